package org.cnflows.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonTest {

  record Sample(String name, double[] values) {}

  @Test
  void writesIntoANewDirectoryAndReadsBackTheRecordIncludingInfinities(@TempDir Path dir)
      throws IOException {
    Path file = dir.resolve("stage").resolve("nested").resolve("sample.json");
    Sample written = new Sample("belt", new double[] {1.5, Double.NEGATIVE_INFINITY});
    Json.write(file, written);
    Sample read = Json.read(file, Sample.class, "sample", s -> s.name() != null);
    assertThat(read.name()).isEqualTo("belt");
    assertThat(read.values()).containsExactly(1.5, Double.NEGATIVE_INFINITY);
  }

  @Test
  void anIncompleteFileIsRefusedWithItsPathAndWhatItShouldHold(@TempDir Path dir)
      throws IOException {
    Path file = dir.resolve("sample.json");
    Files.writeString(file, "{\"values\": [1]}");
    assertThatThrownBy(() -> Json.read(file, Sample.class, "sample", s -> s.name() != null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(file + " holds no sample");
  }
}
