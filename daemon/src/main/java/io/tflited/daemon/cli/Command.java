package io.tflited.daemon.cli;

import java.io.PrintStream;

/** One sub-command of the {@code tflited} tool. */
public interface Command {
  String name();

  /** One line for the command list. */
  String summary();

  /** Declares the command's options. */
  Args args();

  /** Usage line(s) shown above the options, e.g. "tflited inspect MODEL [--json]". */
  String usage();

  /** Runs the command; returns the exit code. */
  int run(Args args, PrintStream out, PrintStream err) throws Exception;
}
