package io.tflited.daemon.cli;

import java.io.PrintStream;

/** {@code tflited serve}. */
public final class ServeCommand implements Command {
  private static volatile boolean running;

  public static boolean keepsRunning() {
    return running;
  }

  @Override
  public String name() {
    return "serve";
  }

  @Override
  public String summary() {
    return "serve models over HTTP/1.1 (TCP and Unix socket): KServe V2 and TF Serving REST";
  }

  @Override
  public String usage() {
    return "tflited serve [--config FILE] [--models DIR] [--http HOST:PORT] [--socket PATH] [--log-level L]";
  }

  @Override
  public Args args() {
    return new Args(name());
  }

  @Override
  public int run(Args args, PrintStream out, PrintStream err) throws Exception {
    throw new CommandFailedException("serve is not implemented yet");
  }
}
