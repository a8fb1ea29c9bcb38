// A terminal that has closed refuses writes (EIO), and the first may fail before its SIGHUP arrives: not the end of the process, which has yet to tidy up.

/**
 * Whether `e`, an error writing to `stream`, says the terminal it writes to is gone. The SIGHUP that follows (or came)
 * stops the command and removes what it made (main.ts); ended by the write instead, a large run left its temporary
 * folder and its output folder behind (the closed-terminal case of scripts/tmux-check.sh, ~1 run in 40 on a busy machine).
 */
export const terminalGone = (stream: { isTTY?: boolean }, e: NodeJS.ErrnoException): boolean => stream.isTTY === true && e.code === 'EIO';
