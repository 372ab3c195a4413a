// The CLI's output streams: a reader that stops reading (`pulumi-lvs status … | head`) closes the pipe, and the next
// write fails with EPIPE, which Node raises as an unhandled 'error' event (a stack trace, exit 1). Here a closed
// stream is noted and later lines are dropped: the command finishes and exits with its own code.
export interface Output {
  write(text: string): void;
  /** True once the reader has closed the stream. */
  readonly closed: boolean;
}

export function guardedOutput(stream: NodeJS.WritableStream): Output {
  let closed = false;
  stream.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") closed = true;
    else throw e;
  });
  return {
    write(text) {
      if (!closed) stream.write(text);
    },
    get closed() {
      return closed;
    },
  };
}
