package io.tflited.daemon.registry;

import io.tflited.daemon.config.DaemonConfig;
import io.tflited.daemon.config.ModelPaths;
import io.tflited.daemon.config.ModelSettings;
import io.tflited.daemon.metrics.ThreadAllocation;
import io.tflited.runtime.CompiledModel;
import io.tflited.runtime.Interpreter;
import io.tflited.runtime.InterpreterOptions;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.kernels.vector.VectorWarmup;
import io.tflited.runtime.model.ModelFile;
import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The served models by name. Loading a model compiles it, warms it up until it runs at speed and
 * then swaps it in atomically; the previous version is retired (its queued and running
 * requests finish on it). A model that fails to load stays listed with its reason.
 */
public final class ModelRegistry {
  private static final Logger LOG = LoggerFactory.getLogger(ModelRegistry.class);
  public static final String EXTENSION = ".tflite";

  private final DaemonConfig config;
  private final Map<String, ModelEntry> models = new ConcurrentHashMap<>();
  /** Per model name: the last version number given (1 for the first load, then 2, ...). */
  private final Map<String, Integer> versions = new ConcurrentHashMap<>();
  private final List<ModelEntry> retired = new ArrayList<>();

  public ModelRegistry(DaemonConfig config) {
    this.config = config;
  }

  /** Loads every model of the directory, or the demo model when no directory is configured. */
  public synchronized void loadInitial() throws IOException {
    if (config.models == null) {
      loadDemo();
    } else {
      rescan();
    }
  }

  public synchronized void loadDemo() {
    ModelSettings s = config.settingsFor(DemoModel.NAME);
    int v = versions.merge(DemoModel.NAME, 1, Integer::sum);
    ModelEntry e;
    try {
      CompiledModel m = CompiledModel.fromBuffer(DemoModel.build(), options());
      int runs = warmUp(DemoModel.NAME, m);
      List<String> labels = s.labels() != null ? s.labels() : DemoModel.LABELS;
      e = ModelEntry.ready(DemoModel.NAME, v, null, 0, m, labels, s);
      e.setInputSignatures(signatures(ModelFile.parse(DemoModel.build())));
      e.setWarmupRuns(runs);
      LOG.info("model {} (built-in demo) ready", DemoModel.NAME);
    } catch (Exception ex) {
      e = ModelEntry.failed(DemoModel.NAME, v, null, 0, message(ex), s);
      LOG.error("model {} (built-in demo) failed to load: {}", DemoModel.NAME, message(ex));
    }
    swap(e);
  }

  /** Synchronizes with the model directory: new and changed files load, removed ones unload. */
  public synchronized List<String> rescan() throws IOException {
    List<String> changed = new ArrayList<>();
    if (config.models == null) {
      return changed;
    }
    Map<String, Path> found = new TreeMap<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(config.models, "*" + EXTENSION)) {
      for (Path p : ds) {
        String n = p.getFileName().toString();
        n = n.substring(0, n.length() - EXTENSION.length());
        String problem = ModelPaths.nameProblem(n);
        if (problem != null) {
          LOG.warn("skipping {}: {}", p, problem);
          continue;
        }
        try {
          if (ModelPaths.inside(config.models, p) != null) {
            found.put(n, p);
          }
        } catch (ModelPaths.EscapeException e) {
          LOG.warn("skipping {}: {}", p, e.getMessage());
        }
      }
    }
    for (Map.Entry<String, Path> f : found.entrySet()) {
      ModelEntry cur = models.get(f.getKey());
      if (cur == null || cur.source() == null || cur.sourceStamp() != stamp(f.getValue())) {
        load(f.getKey(), f.getValue());
        changed.add(f.getKey());
      }
    }
    Set<String> gone = new TreeSet<>(models.keySet());
    gone.removeAll(found.keySet());
    for (String n : gone) {
      unload(n);
      changed.add(n);
    }
    return changed;
  }

  /**
   * (Re)loads one model by name from the model directory. Returns the attempted version
   * (check {@link ModelEntry#isReady()}), or null when there is no such file. A failed reload
   * of a model that is serving keeps the serving version.
   */
  public synchronized ModelEntry load(String name) {
    if (config.models == null) {
      if (name.equals(DemoModel.NAME)) {
        loadDemo();
        return models.get(name);
      }
      return null;
    }
    // Checked before resolving: a name the file system cannot hold (NUL) must not reach it.
    if (ModelPaths.nameProblem(name) != null) {
      return null;
    }
    Path p = config.models.resolve(name + EXTENSION);
    try {
      if (ModelPaths.resolve(config.models, name) == null) {
        return null;
      }
    } catch (IOException e) {
      LOG.warn("not loading {}: {}", p, e.getMessage());
      return null;
    }
    return load(name, p);
  }

  private ModelEntry load(String name, Path p) {
    ModelSettings s = config.settingsFor(name);
    int v = versions.merge(name, 1, Integer::sum);
    long st = stamp(p);
    ModelEntry e;
    long t0 = System.nanoTime();
    try {
      ByteBuffer bytes = readPrivateCopy(p);
      CompiledModel m = CompiledModel.fromBuffer(bytes, options());
      long prepared = System.nanoTime();
      int runs = warmUp(name, m);
      e = ModelEntry.ready(name, v, p, st, m, labels(name, p, s), s);
      e.setInputSignatures(signatures(ModelFile.parse(bytes)));
      e.setWarmupRuns(runs);
      LOG.info("model {} v{} ready from {} (load {} ms, warm-up {} runs {} ms, arena {} bytes)",
          name, v, p, (prepared - t0) / 1_000_000, runs, (System.nanoTime() - prepared) / 1_000_000,
          m.arenaBytes());
    } catch (Exception ex) {
      e = ModelEntry.failed(name, v, p, st, message(ex), s);
      LOG.error("model {} failed to load from {}: {}", name, p, message(ex));
      ModelEntry cur = models.get(name);
      if (cur != null && cur.isReady()) {
        LOG.warn("model {}: keeping version {} in service", name, cur.version());
        return e;
      }
    }
    swap(e);
    return e;
  }

  /**
   * The model file's bytes in memory of our own, not a mapping of the file: a served version
   * keeps reading its model after the load (re-preparing for a resized input reads the
   * constant tensors again), and an operator who truncates or overwrites the file in place
   * would otherwise make those reads fault (SIGBUS) or see other weights. The cost is the file
   * size in the heap per loaded version; a mapping's pages count in RSS all the same once
   * prepare has read them.
   */
  static ByteBuffer readPrivateCopy(Path p) throws IOException, ModelException {
    long size = Files.size(p);
    if (size > ModelFile.MAX_FILE_BYTES) {
      throw new ModelException(
          "model " + p + " is " + size + " bytes; models over 2 GiB are not supported");
    }
    return ByteBuffer.wrap(Files.readAllBytes(p));
  }

  /**
   * Longest warm-up of one model: a slow board's start-up stays bounded. The first model also
   * waits here for the runtime's kernel warm-up (3-13 s on a loaded 2-core x86).
   */
  static final long WARMUP_BUDGET_NANOS = 20_000_000_000L;
  /**
   * Runs after which a (tiny) model counts as warm once the kernel warm-up is over, whatever
   * else the JIT is still compiling: past C2's invocation thresholds many times over.
   */
  private static final int WARMUP_ENOUGH_RUNS = 20_000;
  /** How long the JIT must have finished nothing new before the model counts as warm. */
  private static final long WARMUP_QUIET_NANOS = 300_000_000L;

  /**
   * Runs the model on seeded inputs until it runs at speed, so that the first served request
   * does not pay for cold code: the first inferences run in the bytecode interpreter and C1
   * while C2 compiles the kernels in the background (a MobileNet's first inference took 1.5-2.6
   * s here, its twelfth 52 ms, and speed kept improving while compilations finished). One run
   * proves the model can run at all; then it waits for the runtime's own kernel warm-up to be
   * over and repeats until the JIT has completed no compilation for {@link #WARMUP_QUIET_NANOS}
   * (or three runs, if longer) and the last run allocated nothing (the kernels' steady state),
   * or {@link #WARMUP_ENOUGH_RUNS} runs are done, or {@link #WARMUP_BUDGET_NANOS} is spent (a
   * warning then names the model still allocating). Where the JVM reports no
   * compilation time, or {@code -Dtflited.warmup.off=true} (the tests: their JVM compiles
   * test code all the time), the single run is all. Returns the number of runs.
   */
  private int warmUp(String name, CompiledModel m) throws Exception {
    if (!config.warmup) {
      return 0;
    }
    CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    boolean watchJit = jit != null && jit.isCompilationTimeMonitoringSupported()
        && !Boolean.getBoolean("tflited.warmup.off");
    long start = System.nanoTime();
    long lastCompile = start;
    long compileMillis = watchJit ? jit.getTotalCompilationTime() : 0;
    int runs = 0;
    long lastRunAllocated = 0;
    try (Interpreter it = m.newInterpreter()) {
      List<byte[]> in = SeededInputs.generate(m.inputs());
      while (true) {
        for (int i = 0; i < in.size(); i++) {
          it.copyInput(i, in.get(i));
        }
        long a0 = ThreadAllocation.current();
        long t0 = System.nanoTime();
        it.run();
        long now = System.nanoTime();
        lastRunAllocated = ThreadAllocation.current() - a0;
        runs++;
        if (!watchJit || now - start >= WARMUP_BUDGET_NANOS) {
          break;
        }
        // While the runtime's kernel warm-up runs, the vector ops run their slower scalar twins
        // (a MobileNet took 2.6 s per inference under load): leave its thread and C2 the CPU.
        // The quiet period counts from after the wait: the runs so far were not the model's
        // vector code.
        boolean waited = false;
        while (!VectorWarmup.ready() && System.nanoTime() - start < WARMUP_BUDGET_NANOS) {
          Thread.sleep(20);
          waited = true;
        }
        long c = jit.getTotalCompilationTime();
        if (waited || c != compileMillis || !VectorWarmup.ready()) {
          compileMillis = c;
          lastCompile = waited ? System.nanoTime() : now;
        } else if ((now - lastCompile >= Math.max(WARMUP_QUIET_NANOS, 3 * (now - t0))
                && lastRunAllocated == 0)
            || runs >= WARMUP_ENOUGH_RUNS) {
          // A run that still allocates runs some kernel uncompiled (compile time only moves
          // when a compilation ends; a long one can be under way): not warm yet.
          break;
        }
      }
    } catch (Exception e) {
      throw new ModelException("warm-up inference failed: " + message(e), e);
    }
    LOG.debug("warm-up: {} runs in {} ms", runs, (System.nanoTime() - start) / 1_000_000);
    if (watchJit && lastRunAllocated > 0) {
      // Steady state allocates nothing: some kernel still runs uncompiled (a busy machine's JIT
      // behind) or was compiled with its Vector API calls left as calls (they box).
      LOG.warn("model {}: the last warm-up inference still allocated {} bytes; the JIT has not"
          + " compiled all of its kernels yet (see tflited_inference_allocated_bytes_total)",
          name, lastRunAllocated);
    }
    return runs;
  }

  /** Shape signatures of the inputs (null where the file declares none). */
  private static int[][] signatures(ModelFile f) {
    int[] in = f.graph().inputs();
    int[][] out = new int[in.length][];
    for (int i = 0; i < in.length; i++) {
      int[] sig = f.graph().tensors().get(in[i]).shapeSignature();
      out[i] = sig == null || sig.length == 0 ? null : sig.clone();
    }
    return out;
  }

  private InterpreterOptions options() {
    return InterpreterOptions.defaults().withThreads(config.threads);
  }

  private static List<String> labels(String name, Path model, ModelSettings s) throws IOException {
    if (s.labels() != null) {
      return s.labels();
    }
    Path f = s.labelsFile() != null ? s.labelsFile() : model.resolveSibling(name + ".labels.txt");
    if (!Files.isRegularFile(f)) {
      if (s.labelsFile() != null) {
        throw new IOException("labels file not found: " + f);
      }
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
      out.add(line.strip());
    }
    while (!out.isEmpty() && out.get(out.size() - 1).isEmpty()) {
      out.remove(out.size() - 1);
    }
    return out;
  }

  private void swap(ModelEntry e) {
    ModelEntry old = models.put(e.name(), e);
    retire(old);
  }

  private void retire(ModelEntry old) {
    if (old != null) {
      old.retire();
      synchronized (retired) {
        retired.removeIf(r -> r.inFlight() == 0 && r.queueDepth() == 0);
        retired.add(old);
      }
    }
  }

  public synchronized boolean unload(String name) {
    ModelEntry old = models.remove(name);
    if (old != null) {
      LOG.info("model {} v{} unloaded", name, old.version());
    }
    retire(old);
    return old != null;
  }

  public ModelEntry get(String name) {
    return models.get(name);
  }

  public Collection<ModelEntry> all() {
    return new TreeMap<>(models).values();
  }

  /** Whether every listed model loaded (the server is ready when this holds). */
  public boolean allReady() {
    for (ModelEntry e : models.values()) {
      if (!e.isReady()) {
        return false;
      }
    }
    return true;
  }

  /** Retires every version and waits for their workers (graceful shutdown). */
  public boolean drain(long millis) throws InterruptedException {
    List<ModelEntry> all = new ArrayList<>(models.values());
    synchronized (retired) {
      all.addAll(retired);
    }
    for (ModelEntry e : all) {
      e.retire();
    }
    long end = System.nanoTime() + millis * 1_000_000;
    boolean ok = true;
    for (ModelEntry e : all) {
      ok &= e.awaitDrained(Math.max(1, (end - System.nanoTime()) / 1_000_000));
    }
    return ok;
  }

  private static long stamp(Path p) {
    try {
      BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
      return a.lastModifiedTime().toMillis() * 31 + a.size();
    } catch (IOException e) {
      return -1;
    }
  }

  static String message(Throwable e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m.replace('\n', ' ');
  }
}
