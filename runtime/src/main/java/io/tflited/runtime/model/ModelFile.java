package io.tflited.runtime.model;

import io.tflited.runtime.ModelException;
import io.tflited.runtime.graph.Graph;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;

/**
 * A verified TFLite model: the read-only (usually memory-mapped) file, its subgraph 0 as a
 * {@link Graph}, signatures and metadata. Constant tensors are views into the file: nothing
 * is copied onto the heap here.
 *
 * @param buffer the whole file, little-endian, read-only
 * @param schemaVersion Model.version (3 for every current converter)
 * @param description Model.description or ""
 * @param graph subgraph 0
 * @param subgraphCount number of subgraphs in the file
 * @param signatures SignatureDefs in file order
 * @param metadata metadata name to its buffer (read-only views)
 */
public record ModelFile(
    ByteBuffer buffer,
    long schemaVersion,
    String description,
    Graph graph,
    int subgraphCount,
    List<Signature> signatures,
    Map<String, ByteBuffer> metadata) {

  /** Largest model accepted: FlatBuffers offsets are 32-bit and arrays are int-indexed. */
  public static final long MAX_FILE_BYTES = Integer.MAX_VALUE - 8;

  /** Memory-maps and verifies a model file. */
  public static ModelFile open(Path path) throws ModelException, IOException {
    long size = Files.size(path);
    if (size > MAX_FILE_BYTES) {
      throw new ModelException(
          "model " + path + " is " + size + " bytes; models over 2 GiB are not supported");
    }
    ByteBuffer mapped;
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      mapped = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
    }
    return parse(mapped);
  }

  /** Verifies a model held in memory. The buffer is not copied; its position is ignored. */
  public static ModelFile parse(ByteBuffer bytes) throws ModelException {
    ByteBuffer bb = bytes.duplicate();
    bb.position(0);
    bb = bb.slice().order(ByteOrder.LITTLE_ENDIAN);
    return new ModelReader(bb).read();
  }
}
