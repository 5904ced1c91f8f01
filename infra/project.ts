/** Pulumi project name: every stack setting is `moon-agent-tracker:<key>` in `Pulumi.<stack>.yaml`. */
export const project = "moon-agent-tracker";
