/**
 * Library messages name options in the library's terms, written in backticks (`` `out` ``,
 * `` `resume: true` ``); the command line shows the same message with its own flags.
 */
const FLAGS: Readonly<Record<string, string>> = {
  out: '--out',
  'resume: true': '--resume',
  resume: '--resume',
  envModules: '--env-modules',
  trustRunModules: '--trust-run-modules',
  'trustRunModules: true': '--trust-run-modules',
};

/** `message` with every backticked library option it knows replaced by the CLI flag. */
export function inCliTerms(message: string): string {
  return message.replace(/`([^`]+)`/g, (whole, name: string) => FLAGS[name] ?? whole);
}
