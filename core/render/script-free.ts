// A keepalived.conf without its script blocks (MISC_CHECK, vrrp_script, track_script) and script lines (notify_*,
// quorum_up/down), for keepalived 2.2.7, whose config test kills itself with SIGTERM whenever a script is configured
// (keepalived issue #2587).
/** Our rendering closes every block at the indentation it opened at, which is what the pattern relies on. */
export function withoutScripts(conf: string): string {
  return conf
    .replace(/^([ \t]*)(MISC_CHECK|vrrp_script \S+|track_script) \{\n[\s\S]*?^\1\}\n/gm, "")
    .replace(/^[ \t]*(notify_master|notify_backup|notify_fault|notify_stop|quorum_up|quorum_down) "[^"\n]*"\n/gm, "");
}
