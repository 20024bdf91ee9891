package io.tflited.daemon.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small command line parser: {@code --name value}, {@code --name=value}, boolean
 * {@code --flag}, positional arguments and {@code --} to end options. Options must be declared;
 * an unknown option, a missing value or a repeated option is a {@link UsageException}.
 */
public final class Args {
  /** One declared option. */
  public record Option(String name, String valueName, String help) {
    public boolean takesValue() {
      return valueName != null;
    }
  }

  private final String command;
  private final Map<String, Option> options = new LinkedHashMap<>();
  private final Map<String, String> values = new LinkedHashMap<>();
  private final List<String> positionals = new ArrayList<>();

  public Args(String command) {
    this.command = command;
    flag("help", "show this help");
    flag("verbose", "print stack traces of errors");
  }

  /** Declares an option that takes a value. */
  public Args option(String name, String valueName, String help) {
    options.put(name, new Option(name, valueName, help));
    return this;
  }

  /** Declares a boolean flag. */
  public Args flag(String name, String help) {
    options.put(name, new Option(name, null, help));
    return this;
  }

  public List<Option> options() {
    return List.copyOf(options.values());
  }

  public Args parse(String[] argv) throws UsageException {
    boolean onlyPositional = false;
    for (int i = 0; i < argv.length; i++) {
      String a = argv[i];
      if (onlyPositional || !a.startsWith("--") || a.equals("-")) {
        positionals.add(a);
        continue;
      }
      if (a.equals("--")) {
        onlyPositional = true;
        continue;
      }
      String name = a.substring(2);
      String value = null;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      }
      Option o = options.get(name);
      if (o == null) {
        throw new UsageException(
            "unknown option --" + name + " for '" + command + "' (see tflited " + command
                + " --help)");
      }
      if (o.takesValue()) {
        if (value == null) {
          if (i + 1 >= argv.length) {
            throw new UsageException("option --" + name + " needs a value <" + o.valueName() + ">");
          }
          value = argv[++i];
        }
      } else {
        if (value != null) {
          throw new UsageException("option --" + name + " takes no value");
        }
        value = "true";
      }
      if (values.containsKey(name) && !o.takesValue()) {
        continue;
      }
      if (values.containsKey(name)) {
        throw new UsageException("option --" + name + " given twice");
      }
      values.put(name, value);
    }
    return this;
  }

  public boolean has(String name) {
    return values.containsKey(name);
  }

  public boolean flag(String name) {
    return values.containsKey(name);
  }

  public String get(String name) {
    return values.get(name);
  }

  public String get(String name, String dflt) {
    return values.getOrDefault(name, dflt);
  }

  public String require(String name) throws UsageException {
    String v = values.get(name);
    if (v == null || v.isEmpty()) {
      throw new UsageException("'" + command + "' needs --" + name + " <" + options.get(name).valueName() + ">");
    }
    return v;
  }

  /** An integer option within [min, max], or the default when absent. */
  public int intValue(String name, int dflt, int min, int max) throws UsageException {
    String v = values.get(name);
    if (v == null) {
      return dflt;
    }
    try {
      int n = Integer.parseInt(v.trim());
      if (n < min || n > max) {
        throw new UsageException(
            "--" + name + " must be between " + min + " and " + max + ", got " + n);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new UsageException("--" + name + " must be an integer, got '" + v + "'");
    }
  }

  public List<String> positionals() {
    return List.copyOf(positionals);
  }

  /** The help text for the declared options. */
  public String optionHelp() {
    StringBuilder sb = new StringBuilder("Options:\n");
    for (Option o : options.values()) {
      String left = "  --" + o.name() + (o.takesValue() ? " <" + o.valueName() + ">" : "");
      sb.append(String.format("%-34s %s%n", left, o.help()));
    }
    return sb.toString();
  }
}
