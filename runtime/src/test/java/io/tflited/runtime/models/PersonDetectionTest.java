package io.tflited.runtime.models;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflited.runtime.CompiledModel;
import io.tflited.runtime.Interpreter;
import io.tflited.runtime.testing.Bmp;
import io.tflited.runtime.testing.SharedModels;
import org.junit.jupiter.api.Test;

/**
 * person_detect.tflite has no golden (TFLite rejects its quantized_dimension=3 with one scale;
 * TFLite Micro and tflited accept it): its own test images must be classified right.
 */
class PersonDetectionTest {
  @Test
  void tellsPersonFromNoPerson() throws Exception {
    CompiledModel model =
        CompiledModel.open(SharedModels.require("tflite-micro/person_detection/person_detect.tflite"));
    int[] person = scores(model, "tflite-micro/person_detection/person.bmp");
    int[] empty = scores(model, "tflite-micro/person_detection/no_person.bmp");
    System.out.printf("person.bmp: no_person=%d person=%d; no_person.bmp: no_person=%d person=%d%n",
        person[0], person[1], empty[0], empty[1]);
    assertTrue(person[1] > person[0], "person.bmp not seen as a person");
    assertTrue(empty[0] > empty[1], "no_person.bmp seen as a person");
  }

  /**
   * int8 scores {no_person, person}. The input is fed as TFLite Micro's own person_detection
   * test feeds it: the image's raw pixel bytes (top row first) copied into the int8 tensor.
   */
  private static int[] scores(CompiledModel model, String image) throws Exception {
    Bmp bmp = Bmp.read(SharedModels.require(image));
    byte[] in = bmp.pixels();
    try (Interpreter it = model.newInterpreter()) {
      it.copyInput(0, in);
      it.run();
      byte[] out = it.outputBytes(0);
      return new int[] {out[0], out[1]};
    }
  }
}
