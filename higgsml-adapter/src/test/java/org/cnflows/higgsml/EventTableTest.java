package org.cnflows.higgsml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventTableTest {
  private static EventTable small() {
    Map<String, float[]> cols = new LinkedHashMap<>();
    cols.put("a", new float[] {1, 2, 3, 4});
    cols.put("b", new float[] {10, 20, 30, 40});
    byte h = (byte) PhysicsProcess.HTAUTAU.ordinal();
    byte z = (byte) PhysicsProcess.ZTAUTAU.ordinal();
    return EventTable.of(cols, new float[] {0.5f, 1, 2, 4}, new byte[] {h, z, z, h});
  }

  @Test
  void selectFilterProjectAndConcatKeepRowsTogether() {
    EventTable t = small();
    EventTable s = t.select(new int[] {3, 3, 0});
    assertThat(s.column("b")).containsExactly(40, 40, 10);
    assertThat(s.weights()).containsExactly(4, 4, 0.5f);
    assertThat(s.labels()).containsExactly(1, 1, 1);
    EventTable f = t.filter(new boolean[] {false, true, true, false});
    assertThat(f.column("a")).containsExactly(2, 3);
    assertThat(f.count(PhysicsProcess.ZTAUTAU)).isEqualTo(2);
    assertThat(t.project(List.of("b")).columnNames()).containsExactly("b");
    EventTable c = EventTable.concat(List.of(t, f));
    assertThat(c.size()).isEqualTo(6);
    assertThat(c.column("a")).containsExactly(1, 2, 3, 4, 2, 3);
    assertThat(c.sumWeights(PhysicsProcess.HTAUTAU)).isEqualTo(4.5);
    EventTable copy = t.copy();
    copy.column("a")[0] = 99;
    assertThat(t.column("a")[0]).isEqualTo(1);
  }

  @Test
  void badShapesAndUnknownColumnsAreNamed() {
    assertThatThrownBy(() -> small().column("PRI_x")).hasMessageContaining("no column 'PRI_x'");
    assertThatThrownBy(() -> EventTable.of(Map.of("a", new float[3]), new float[2], new byte[2]))
        .hasMessageContaining("column 'a' has 3 entries, expected 2");
    assertThatThrownBy(() -> EventTable.allocate(2, List.of("a", "a")))
        .hasMessageContaining("column 'a' named twice");
    assertThatThrownBy(
            () -> EventTable.concat(List.of(small(), EventTable.allocate(1, List.of("a")))))
        .hasMessageContaining("column names differ");
  }
}
