package io.tflited.converter.quantize;

import com.google.flatbuffers.FlatBufferBuilder;
import com.google.flatbuffers.Table;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.model.ModelBuilder;
import io.tflited.runtime.model.fb.BuiltinOptions;
import io.tflited.runtime.model.fb.Operator;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;

/**
 * Copies an operator's builtin options table into a new model, for any options type, through the
 * generated FlatBuffer classes: every {@code addX(builder, value)} of the table class is paired
 * with its reader {@code x()}. Options tables hold scalars and (ReshapeOptions, SqueezeOptions,
 * ...) int vectors; a table with a string or nested-table field is rejected with its name.
 */
final class OptionsCopier {
  private static final String FB_PACKAGE = "io.tflited.runtime.model.fb.";

  private OptionsCopier() {}

  /** The options of {@code op} (union tag and a writer), or null when the op has none. */
  static Copied copy(Operator op) throws ModelException {
    int type = op.builtinOptionsType() & 0xFF;
    if (type == BuiltinOptions.NONE) {
      return null;
    }
    String name = BuiltinOptions.name(type);
    try {
      Class<?> cls = Class.forName(FB_PACKAGE + name);
      Table table = (Table) cls.getDeclaredConstructor().newInstance();
      if (op.builtinOptions(table) == null) {
        return null;
      }
      List<Field> fields = new ArrayList<>();
      for (Method add : cls.getMethods()) {
        if (!Modifier.isStatic(add.getModifiers())
            || !add.getName().startsWith("add")
            || add.getParameterCount() != 2
            || add.getParameterTypes()[0] != FlatBufferBuilder.class) {
          continue;
        }
        String field = Character.toLowerCase(add.getName().charAt(3)) + add.getName().substring(4);
        Method length = find(cls, field + "Length");
        if (length != null) {
          Method element = cls.getMethod(field, int.class);
          if (element.getReturnType() != int.class) {
            throw new ModelException(
                "cannot copy " + name + "." + field + ": only int vectors are supported");
          }
          int n = (int) length.invoke(table);
          int[] values = new int[n];
          for (int j = 0; j < n; j++) {
            values[j] = (int) element.invoke(table, j);
          }
          fields.add(new Field(add, values, true));
        } else {
          Method getter = find(cls, field);
          if (getter == null || !getter.getReturnType().isPrimitive()) {
            throw new ModelException(
                "cannot copy " + name + "." + field + ": not a scalar or int vector field");
          }
          fields.add(new Field(add, getter.invoke(table), false));
        }
      }
      Method start = cls.getMethod("start" + name, FlatBufferBuilder.class);
      Method end = cls.getMethod("end" + name, FlatBufferBuilder.class);
      ModelBuilder.OptionsWriter writer =
          fbb -> {
            try {
              int[] vectorOffsets = new int[fields.size()];
              for (int i = 0; i < fields.size(); i++) {
                Field f = fields.get(i);
                if (f.vector()) {
                  int[] v = (int[]) f.value();
                  fbb.startVector(4, v.length, 4);
                  for (int j = v.length - 1; j >= 0; j--) {
                    fbb.addInt(v[j]);
                  }
                  vectorOffsets[i] = fbb.endVector();
                }
              }
              start.invoke(null, fbb);
              for (int i = 0; i < fields.size(); i++) {
                Field f = fields.get(i);
                f.add().invoke(null, fbb, f.vector() ? vectorOffsets[i] : f.value());
              }
              return (int) end.invoke(null, fbb);
            } catch (ReflectiveOperationException e) {
              throw new IllegalStateException("cannot write " + name, e);
            }
          };
      return new Copied(type, writer);
    } catch (ReflectiveOperationException e) {
      throw new ModelException("cannot copy builtin options " + name + ": " + e);
    }
  }

  private static Method find(Class<?> cls, String name) {
    try {
      return cls.getMethod(name);
    } catch (NoSuchMethodException e) {
      return null;
    }
  }

  private record Field(Method add, Object value, boolean vector) {}

  /** A union tag and the writer of its table. */
  record Copied(int type, ModelBuilder.OptionsWriter writer) {}
}
