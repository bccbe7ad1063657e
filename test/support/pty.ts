// Runs a command on a pseudo-terminal (python3's pty module) and acts once its
// terminal shows a given text: types an answer, or sends SIGINT. The terminal's
// whole output comes back on stdout, the command's exit status as the runner's.

/** The python3 program; argv: `answer|sigint`, the text to wait for, then the command. */
export const ON_PTY = `
import os, pty, signal, sys
action, wait_for, argv = sys.argv[1], sys.argv[2].encode(), sys.argv[3:]
pid, fd = pty.fork()
if pid == 0:
    os.execv(argv[0], argv)
seen, sent = b"", False
while True:
    try:
        chunk = os.read(fd, 4096)
    except OSError:
        break
    if not chunk:
        break
    seen += chunk
    if not sent and wait_for in seen:
        if action == "sigint":
            os.kill(pid, signal.SIGINT)
        else:
            os.write(fd, action.encode() + b"\\n")
        sent = True
_, status = os.waitpid(pid, 0)
sys.stdout.buffer.write(seen)
sys.exit(os.waitstatus_to_exitcode(status))
`;

/**
 * The argv that runs `command` on a pseudo-terminal and, once `waitFor` shows,
 * types `answer` and a newline, or sends SIGINT (`"sigint"`).
 */
export function onPty(command: readonly string[], waitFor: string, answer: string): string[] {
  return ["python3", "-c", ON_PTY, answer, waitFor, ...command];
}
