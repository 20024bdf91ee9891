package io.tflited.daemon;

import io.tflited.daemon.cli.Args;
import io.tflited.daemon.cli.BenchCommand;
import io.tflited.daemon.cli.Command;
import io.tflited.daemon.cli.CommandFailedException;
import io.tflited.daemon.cli.InspectCommand;
import io.tflited.daemon.cli.RunCommand;
import io.tflited.daemon.cli.ServeCommand;
import io.tflited.daemon.cli.UsageException;
import io.tflited.runtime.TfLitedException;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code tflited} command line: {@code inspect}, {@code run}, {@code bench} and
 * {@code serve}. Errors are one line on stderr (stack trace only with --verbose); exit code 2
 * for usage or configuration errors, 1 for failures.
 */
public final class Main {
  public static final String VERSION = "0.1.0";

  private Main() {}

  public static List<Command> commands() {
    return List.of(new InspectCommand(), new RunCommand(), new BenchCommand(), new ServeCommand(), new io.tflited.daemon.cli.QuantizeCommand(), new io.tflited.daemon.cli.ConvertCommand());
  }

  public static void main(String[] argv) {
    int code = run(argv, System.out, System.err);
    System.out.flush();
    if (code != 0 || !ServeCommand.keepsRunning()) {
      System.exit(code);
    }
  }

  /** Runs one command with the given streams; returns the exit code (used by tests too). */
  public static int run(String[] argv, PrintStream out, PrintStream err) {
    boolean verbose = Arrays.asList(argv).contains("--verbose");
    if (argv.length == 0 || argv[0].equals("--help") || argv[0].equals("-h")
        || argv[0].equals("help")) {
      if (argv.length >= 2 && argv[0].equals("help")) {
        return run(new String[] {argv[1], "--help"}, out, err);
      }
      out.print(topHelp());
      return argv.length == 0 ? 2 : 0;
    }
    if (argv[0].equals("--version") || argv[0].equals("version")) {
      out.println("tflited " + VERSION);
      return 0;
    }
    Command cmd = null;
    for (Command c : commands()) {
      if (c.name().equals(argv[0])) {
        cmd = c;
      }
    }
    try {
      if (cmd == null) {
        throw new UsageException("unknown command '" + argv[0] + "' (see tflited --help)");
      }
      Args args = cmd.args().parse(Arrays.copyOfRange(argv, 1, argv.length));
      if (args.flag("help")) {
        out.print("Usage: " + cmd.usage() + "\n\n" + cmd.summary() + "\n\n" + args.optionHelp());
        return 0;
      }
      return cmd.run(args, out, err);
    } catch (UsageException e) {
      return fail(err, 2, e, verbose);
    } catch (CommandFailedException | TfLitedException e) {
      return fail(err, 1, e, verbose);
    } catch (NoSuchFileException e) {
      return fail(err, 1, new Exception("no such file: " + e.getMessage(), e), verbose);
    } catch (IOException | UncheckedIOException e) {
      return fail(err, 1, e, verbose);
    } catch (Exception | OutOfMemoryError | StackOverflowError e) {
      return fail(err, 1, e, verbose);
    }
  }

  private static int fail(PrintStream err, int code, Throwable e, boolean verbose) {
    String msg = e.getMessage();
    if (msg == null || msg.isBlank()) {
      msg = e.getClass().getSimpleName();
    } else if (!(e instanceof UsageException
        || e instanceof CommandFailedException
        || e instanceof TfLitedException)) {
      if (e instanceof IOException && !msg.contains(" ")) {
        msg = e.getClass().getSimpleName() + ": " + msg;
      }
    }
    err.println("tflited: error: " + msg.replace('\n', ' '));
    if (verbose) {
      e.printStackTrace(err);
    }
    err.flush();
    return code;
  }

  static String topHelp() {
    StringBuilder sb = new StringBuilder();
    sb.append("tflited ").append(VERSION).append(" - a pure-Java TensorFlow Lite interpreter and daemon\n\n");
    sb.append("Usage: tflited COMMAND [OPTIONS]\n\nCommands:\n");
    for (Command c : commands()) {
      sb.append(String.format("  %-9s %s%n", c.name(), c.summary()));
    }
    sb.append("\nRun 'tflited COMMAND --help' for the options of a command.\n");
    sb.append("Errors: exit code 2 for usage/configuration errors, 1 for failures; --verbose prints stack traces.\n");
    return sb.toString();
  }

  /** For sub-commands that print the shared option list. */
  static String help(Args a) {
    return a.optionHelp();
  }
}
