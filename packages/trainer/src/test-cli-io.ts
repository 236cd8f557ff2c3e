/** A CLI `io` for the trainer's tests (not exported): collects what `main` prints. */
export function captureIo() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (t: string) => void out.push(t), stderr: (t: string) => void err.push(t) }, out, err };
}
