// What `--help` prints for each command; the README section says the same at more length.

const shared = `
Common options:
  -s, --stack <name>   Pulumi stack: local, eks or doks (required)
  -h, --help           Show this help

Environment:
  PULUMI_ACCESS_TOKEN, or PULUMI_BACKEND_URL and PULUMI_CONFIG_PASSPHRASE: the state backend,
      exactly as for the pulumi CLI (which must be on PATH); plus the cloud credentials of the stack.
  Steps print as they run; the engine's progress is indented under "deploy" and "move traffic".

Lock: each release, promote and rollback holds the stack tag "moon-release-lock" for its whole run;
  a second one on the same stack is refused and says who holds it. A run that died leaves the tag:
  it may be taken over after 2 hours, or removed with: pulumi stack tag rm moon-release-lock --stack <name>

Exit status: 0 done; 1 the command failed (the report says where traffic is); 2 bad usage.`;

const analysis = `
Analysis (steps 7 and 10) reads Prometheus: the stack's Prometheus through the Kubernetes API's service
  proxy, with the stack's kubeconfig output (a local stack: KUBECONFIG or ~/.kube/config). Where
  monitoring is off (monitoring.enabled) it is skipped with a warning. The figures are printed; a
  breach names the figures that failed.
  --prometheus-url <base>   Query this Prometheus instead (e.g. http://127.0.0.1:9090 through
                            kubectl port-forward); analyses even where monitoring is off`;

const smokeTests = `
Smoke tests go through the stack's gateway (output "url"): GET /agents?limit=1, /products?limit=1,
  /sales?limit=1, /targets, /notifications?limit=1 must answer 200 with items; an agent SMOKE-<id>
  is created, read back and deleted; every answer must carry x-moon-colour naming the colour tested.
  They need an admin API key in MOON_API_KEY (sent as a bearer token, never printed).
  --wait <seconds>   How long a colour may take to answer on every path before the tests
                     (route changes take a moment to reach the gateway); default 180
  --url <base>       Gateway base URL to test through (http://<load balancer address>); wins over
                     MOON_GATEWAY_URL, which wins over the stack's "url" output. Needed only while that
                     output is empty (no domain, and the load balancer's address not read back yet:
                     pulumi up --refresh fills it). Without any of them the command stops before
                     changing a deployed stack and says how to find the address.`;

export const help: Record<string, string> = {
  release: `usage: npm run release -- --stack <name> --image <ref> [--yes] [--wait <seconds>] [--url <base>]
                           [--prometheus-url <base>]

Releases an image with blue/green: deploy to the idle colour, test it where it will run, then move
traffic to it, and move traffic back by itself if the new colour fails once live.

  1. lock the stack
  2. read the live colours from the stack outputs (config, before the first deployment)
  3. set images.<idle> to --image (and pin activeColor and images.<live> to what is deployed)
  4. preview; refuse if it would replace or delete any resource outside the idle colour
     (a resource is the idle colour's when its name carries "-<idle>": agent-green, migrate-green)
  5. deploy the idle colour (pulumi up)
  6. smoke-test the idle colour through the gateway with x-moon-colour: <idle>
  7. analyse: the idle colour's 5xx ratio and p99 in Prometheus over the smoke tests, per service,
     must be within release.analysis.maxErrorRatio and maxP99Seconds
  8. flip: set activeColor to the idle colour and deploy (refused if it would replace or delete anything)
  9. verify: the same smoke tests with no colour header must be answered by the new colour
 10. watch: the new live colour's figures since the flip, every release.analysis.intervalSeconds for
     release.analysis.watchSeconds (default 300)
 11. if 8, 9 or 10 fails: set activeColor back and deploy, then check the old colour answers again

Before the flip a failure leaves traffic where it was; the idle colour keeps the new image for
inspection. The closing report lists every step and where traffic is.

Options:
  --image <ref>   Image reference for the idle colour, as images.<colour> holds it (required)
  --yes           Do not ask before deploying (needed without a terminal, e.g. in CI)
${smokeTests}
${analysis}
${shared}`,

  promote: `usage: npm run promote -- --stack <name> [--yes] [--wait <seconds>] [--url <base>]
                           [--prometheus-url <base>]

Moves traffic to the idle colour after smoke-testing it; nothing is deployed. Use it when a release
was stopped before its flip and the idle colour has since been fixed or checked by hand.
Steps: lock, read the live colours, smoke-test the idle colour with x-moon-colour, analyse it in
Prometheus, flip, verify with no header, watch it live; on failure after the flip, move traffic back by itself.

Options:
  --yes           Do not ask before moving traffic
${smokeTests}
${analysis}
${shared}`,

  rollback: `usage: npm run rollback -- --stack <name> [--yes]

Moves traffic straight back to the idle colour, which still runs the previous release. No smoke
tests: this is the way out when the live colour misbehaves. Steps: lock, read the live colours, set
activeColor to the idle colour and deploy.

Options:
  --yes           Do not ask before moving traffic
${shared}`,

  status: `usage: npm run status -- --stack <name> [--json]

Prints which colour is live, the image each colour runs, the gateway URL and namespace, who holds the
release lock, and where this checkout's config differs from what is deployed. Changes nothing.

Options:
  --json          Print the same as one JSON object
${shared}`,
};

export const overview = `usage: tsx stacks/cli.ts <command> --stack <name> [options]

Commands (each takes --help):
  release    deploy an image to the idle colour, smoke-test and analyse it, flip traffic, verify, watch,
             roll back on failure
  promote    smoke-test and analyse the idle colour, flip traffic to it, watch it
  rollback   flip traffic back to the idle colour, untested
  status     show colours, images, which is live, and the lock`;
