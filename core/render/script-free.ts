// A keepalived.conf without its script blocks (MISC_CHECK, vrrp_script, track_script), for keepalived 2.2.7,
// whose config test kills itself with SIGTERM whenever a script is configured (keepalived issue #2587).
/** Our rendering closes every block at the indentation it opened at, which is what the pattern relies on. */
export function withoutScripts(conf: string): string {
  return conf.replace(/^([ \t]*)(MISC_CHECK|vrrp_script \S+|track_script) \{\n[\s\S]*?^\1\}\n/gm, "");
}
