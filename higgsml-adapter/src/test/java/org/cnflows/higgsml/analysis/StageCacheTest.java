package org.cnflows.higgsml.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StageCacheTest {

  private final ByteArrayOutputStream log = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(log, true, StandardCharsets.UTF_8);
  private final AtomicInteger computed = new AtomicInteger();

  private StageCache.Stage<String> stage(StageCache cache, String key, String value) {
    return cache.stage(
        "answer",
        key,
        () -> {
          computed.incrementAndGet();
          return value;
        },
        (v, dir) -> {
          Files.createDirectories(dir);
          Files.writeString(dir.resolve("value.txt"), v);
        },
        dir -> Files.readString(dir.resolve("value.txt")));
  }

  @Test
  void keysDependOnEveryPartAndTheirOrder() {
    String k = StageCache.key("a", 1, new double[] {0.5});
    assertThat(k).hasSize(64).isEqualTo(StageCache.key("a", 1, new double[] {0.5}));
    assertThat(StageCache.key("a", 1, new double[] {0.25})).isNotEqualTo(k);
    assertThat(StageCache.key(1, "a", new double[] {0.5})).isNotEqualTo(k);
    assertThat(StageCache.key("ab", "c")).isNotEqualTo(StageCache.key("a", "bc"));
  }

  @Test
  void aMatchingKeyReusesTheProductAndAChangedKeyRecomputesIt(@TempDir Path dir) {
    StageCache cache = new StageCache(dir, out);
    StageCache.Stage<String> first = stage(cache, "k1", "42");
    assertThat(first.cached()).isFalse();
    assertThat(first.value()).isEqualTo("42");
    assertThat(dir.resolve("answer").resolve(StageCache.MANIFEST)).exists();

    StageCache.Stage<String> again = stage(cache, "k1", "not computed");
    assertThat(again.cached()).isTrue();
    assertThat(again.value()).isEqualTo("42");
    assertThat(again.seconds()).isEqualTo(first.seconds());
    assertThat(computed).hasValue(1);

    StageCache.Stage<String> changed = stage(cache, "k2", "43");
    assertThat(changed.cached()).isFalse();
    assertThat(changed.value()).isEqualTo("43");
    assertThat(log.toString(StandardCharsets.UTF_8))
        .contains("answer: reused from")
        .contains("answer: settings changed since");
  }

  @Test
  void aProductThatNoLongerLoadsIsRecomputedWithTheReason(@TempDir Path dir) throws IOException {
    StageCache cache = new StageCache(dir, out);
    stage(cache, "k", "42");
    Files.delete(dir.resolve("answer").resolve("value.txt"));
    StageCache.Stage<String> again = stage(cache, "k", "42");
    assertThat(again.cached()).isFalse();
    assertThat(computed).hasValue(2);
    assertThat(log.toString(StandardCharsets.UTF_8))
        .contains("the saved product does not load")
        .contains("value.txt");
  }

  @Test
  void aStageThatFailsToSaveLeavesNoManifest(@TempDir Path dir) {
    StageCache cache = new StageCache(dir, out);
    assertThatThrownBy(
            () ->
                cache.stage(
                    "broken",
                    "k",
                    () -> "v",
                    (v, d) -> {
                      Files.createDirectories(d);
                      throw new IOException("disk full");
                    },
                    d -> "never"))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("stage broken")
        .hasMessageContaining("disk full");
    assertThat(dir.resolve("broken").resolve(StageCache.MANIFEST)).doesNotExist();
  }

  @Test
  void withoutADirectoryEveryStageIsComputed() {
    StageCache cache = new StageCache(null, out);
    assertThat(stage(cache, "k", "1").cached()).isFalse();
    assertThat(stage(cache, "k", "1").cached()).isFalse();
    assertThat(computed).hasValue(2);
    assertThat(cache.directory("answer")).isNull();
  }

  @Test
  void progressPrintsATenthAtATimeWithItsEta() {
    Progress p = new Progress(out, "things", 20);
    for (int i = 0; i < 20; i++) {
      p.step();
    }
    String[] lines = log.toString(StandardCharsets.UTF_8).split("\n");
    assertThat(lines).hasSize(10);
    assertThat(lines[0]).contains("things [##..................]  10% 2/20");
    assertThat(lines[9]).contains("100% 20/20").contains("ETA done");
    assertThat(Progress.clock(3725)).isEqualTo("1:02:05");
    assertThat(Progress.clock(65)).isEqualTo("1:05");
    assertThatThrownBy(() -> new Progress(out, "none", 0)).hasMessageContaining("none: total = 0");
  }
}
