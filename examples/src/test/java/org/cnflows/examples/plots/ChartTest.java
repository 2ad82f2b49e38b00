package org.cnflows.examples.plots;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChartTest {

  @TempDir Path dir;

  @Test
  void everyLayerKindRendersIntoAPngOfTheRequestedSize() throws Exception {
    double[] x = {0, 1, 2, 3};
    Path file =
        Chart.titled("all layers", "x", "y")
            .band("band", x, new double[] {-1, 0, 1, 2}, new double[] {1, 2, 3, 4})
            .line("line", x, new double[] {0, 1, 2, 3})
            .dashed("dashed", x, new double[] {3, 2, 1, 0})
            .points("points", x, new double[] {1, 1, 1, 1})
            .errorBars(
                "bars", x, x, new double[] {-0.5, 0.5, 1.5, 2.5}, new double[] {0.5, 1.5, 2.5, 3.5})
            .arrows(
                "arrows", x, x, new double[] {0.2, 0.2, 0.2, 0.2}, new double[] {0, 0.1, 0.2, 0.3})
            .save(dir.resolve("sub/all.png"), 400, 300);

    BufferedImage image = ImageIO.read(file.toFile());
    assertThat(image.getWidth()).isEqualTo(400);
    assertThat(image.getHeight()).isEqualTo(300);
    assertThat(colouredPixels(image)).as("pixels neither white nor grey").isGreaterThan(500);
  }

  @Test
  void logAxisAndFixedRangesRender() throws Exception {
    Path file =
        Chart.titled("log", "x", "y")
            .line("decay", new double[] {0, 1, 2}, new double[] {1, 0.1, 0.01})
            .logY()
            .xRange(0, 2)
            .save(dir.resolve("log.png"));
    assertThat(ImageIO.read(file.toFile()).getWidth()).isEqualTo(900);
  }

  @Test
  void badInputIsRefusedByName() {
    assertThatThrownBy(
            () -> Chart.titled("t", "x", "y").line("s", new double[] {0, 1}, new double[] {0}))
        .hasMessageContaining("series 's'")
        .hasMessageContaining("2 and 1");
    assertThatThrownBy(
            () ->
                Chart.titled("t", "x", "y")
                    .points("p", new double[] {0, 1}, new double[] {0, Double.NaN}))
        .hasMessageContaining("point 1 is not finite");
    assertThatThrownBy(() -> Chart.titled("t", "x", "y").yRange(1, 1))
        .hasMessageContaining("[1.0, 1.0]");
    assertThatThrownBy(() -> Chart.titled("empty", "x", "y").save(dir.resolve("e.png")))
        .hasMessageContaining("'empty' has nothing to draw");
  }

  private static int colouredPixels(BufferedImage image) {
    int count = 0;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        int rgb = image.getRGB(x, y);
        int r = (rgb >> 16) & 0xff;
        int g = (rgb >> 8) & 0xff;
        int b = rgb & 0xff;
        if (Math.max(r, Math.max(g, b)) - Math.min(r, Math.min(g, b)) > 40) {
          count++;
        }
      }
    }
    return count;
  }
}
