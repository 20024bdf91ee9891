package io.tflited.daemon.lifecycle;

import java.lang.reflect.Proxy;

/**
 * POSIX signal handlers through {@code sun.misc.Signal} (module jdk.unsupported), reached by
 * reflection so the build carries no internal-API warnings. Installing a handler replaces the
 * JVM's default action (for TERM/INT: running shutdown hooks and exiting with 143/130).
 */
public final class Signals {
  private Signals() {}

  /**
   * Runs {@code action} on each delivery of the signal ("TERM", "INT", "HUP"); false if
   * unavailable, including a signal the process was started with ignored.
   */
  public static boolean handle(String name, Runnable action) {
    try {
      Class<?> signal = Class.forName("sun.misc.Signal");
      Class<?> handler = Class.forName("sun.misc.SignalHandler");
      Object sig = signal.getConstructor(String.class).newInstance(name);
      Object h = Proxy.newProxyInstance(Signals.class.getClassLoader(), new Class<?>[] {handler},
          (proxy, method, args) -> {
            if (method.getName().equals("handle")) {
              action.run();
              return null;
            }
            return switch (method.getName()) {
              case "hashCode" -> System.identityHashCode(proxy);
              case "equals" -> proxy == args[0];
              default -> "signal handler " + name;
            };
          });
      Object previous = signal.getMethod("handle", signal, handler).invoke(null, sig, h);
      // A signal ignored when the JVM started (nohup ignores HUP) keeps being ignored: the JVM
      // reports SIG_IGN as the previous handler and does not install the new one.
      return previous != handler.getField("SIG_IGN").get(null);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return false;
    }
  }
}
