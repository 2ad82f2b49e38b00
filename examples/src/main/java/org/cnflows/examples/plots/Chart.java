package org.cnflows.examples.plots;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Paint;
import java.awt.geom.Ellipse2D;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.DeviationRenderer;
import org.jfree.chart.renderer.xy.VectorRenderer;
import org.jfree.chart.renderer.xy.XYErrorRenderer;
import org.jfree.chart.renderer.xy.XYItemRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.VectorSeries;
import org.jfree.data.xy.VectorSeriesCollection;
import org.jfree.data.xy.XYDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;

/**
 * One x-y chart written as a PNG: lines, points, shaded bands, error bars and arrows on shared
 * axes, each layer with its legend entry. The one plotting path of the examples (the HiggsML
 * analysis and the toy studies), over JFreeChart so the figures render headless on a CI machine.
 *
 * <pre>{@code
 * Chart.titled("Neyman belt", "true mu", "mu-hat")
 *     .band("68.27% acceptance", mu, lo, hi)
 *     .line("diagonal", mu, mu)
 *     .save(out.resolve("belt.png"));
 * }</pre>
 */
public final class Chart {

  /** Colours in the order layers are added; readable on white and distinct in grey scale. */
  private static final Color[] PALETTE = {
    new Color(0x1f77b4),
    new Color(0xd62728),
    new Color(0x2ca02c),
    new Color(0xff7f0e),
    new Color(0x9467bd),
    new Color(0x8c564b),
    new Color(0x17becf),
    new Color(0x7f7f7f),
  };

  private record Layer(XYDataset data, XYItemRenderer renderer) {}

  private final String title;
  private final String xLabel;
  private final String yLabel;
  private final List<Layer> layers = new ArrayList<>();
  private boolean logY;
  private double[] yRange;
  private double[] xRange;

  private Chart(String title, String xLabel, String yLabel) {
    this.title = Objects.requireNonNull(title, "title");
    this.xLabel = Objects.requireNonNull(xLabel, "xLabel");
    this.yLabel = Objects.requireNonNull(yLabel, "yLabel");
  }

  /** A new empty chart with its title and axis labels. */
  public static Chart titled(String title, String xLabel, String yLabel) {
    return new Chart(title, xLabel, yLabel);
  }

  /** A polyline through (x[i], y[i]) in the given order. */
  public Chart line(String name, double[] x, double[] y) {
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
    renderer.setSeriesPaint(0, nextColour());
    renderer.setSeriesStroke(0, new BasicStroke(2f));
    return add(series(name, x, y), renderer);
  }

  /** A dashed polyline, for references such as the diagonal or a truth curve. */
  public Chart dashed(String name, double[] x, double[] y) {
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
    renderer.setSeriesPaint(0, nextColour());
    renderer.setSeriesStroke(
        0,
        new BasicStroke(
            1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
    return add(series(name, x, y), renderer);
  }

  /** Markers at (x[i], y[i]) without connecting lines. */
  public Chart points(String name, double[] x, double[] y) {
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(false, true);
    renderer.setSeriesPaint(0, nextColour());
    renderer.setSeriesShape(0, new Ellipse2D.Double(-2.5, -2.5, 5, 5));
    return add(series(name, x, y), renderer);
  }

  /** A shaded band between lo[i] and hi[i] over x, with its centre line through the middle. */
  public Chart band(String name, double[] x, double[] lo, double[] hi) {
    requireSameLength(name, x, lo, hi);
    YIntervalSeries s = new YIntervalSeries(name, false, true);
    for (int i = 0; i < x.length; i++) {
      s.add(x[i], 0.5 * (lo[i] + hi[i]), lo[i], hi[i]);
    }
    YIntervalSeriesCollection data = new YIntervalSeriesCollection();
    data.addSeries(s);
    DeviationRenderer renderer = new DeviationRenderer(true, false);
    Color colour = nextColour();
    renderer.setSeriesPaint(0, colour);
    renderer.setSeriesFillPaint(0, colour);
    renderer.setSeriesStroke(0, new BasicStroke(1f));
    renderer.setAlpha(0.3f);
    return add(data, renderer);
  }

  /** Vertical error bars from lo[i] to hi[i] with a marker at (x[i], y[i]). */
  public Chart errorBars(String name, double[] x, double[] y, double[] lo, double[] hi) {
    requireSameLength(name, x, y, lo, hi);
    YIntervalSeries s = new YIntervalSeries(name, false, true);
    for (int i = 0; i < x.length; i++) {
      s.add(x[i], y[i], lo[i], hi[i]);
    }
    YIntervalSeriesCollection data = new YIntervalSeriesCollection();
    data.addSeries(s);
    XYErrorRenderer renderer = new XYErrorRenderer();
    renderer.setDrawXError(false);
    renderer.setDefaultLinesVisible(false);
    Paint colour = nextColour();
    renderer.setSeriesPaint(0, colour);
    renderer.setErrorPaint(colour);
    renderer.setSeriesShape(0, new Ellipse2D.Double(-2, -2, 4, 4));
    return add(data, renderer);
  }

  /** Arrows from (x[i], y[i]) to (x[i] + dx[i], y[i] + dy[i]): a displacement field. */
  public Chart arrows(String name, double[] x, double[] y, double[] dx, double[] dy) {
    requireSameLength(name, x, y, dx, dy);
    VectorSeries s = new VectorSeries(name);
    for (int i = 0; i < x.length; i++) {
      s.add(x[i], y[i], dx[i], dy[i]);
    }
    VectorSeriesCollection data = new VectorSeriesCollection();
    data.addSeries(s);
    VectorRenderer renderer = new VectorRenderer();
    renderer.setSeriesPaint(0, nextColour());
    return add(data, renderer);
  }

  /** A logarithmic y axis (all y values must then be positive). */
  public Chart logY() {
    this.logY = true;
    return this;
  }

  /** Fixes the y range instead of fitting it to the data. */
  public Chart yRange(double lower, double upper) {
    this.yRange = range(lower, upper);
    return this;
  }

  /** Fixes the x range instead of fitting it to the data. */
  public Chart xRange(double lower, double upper) {
    this.xRange = range(lower, upper);
    return this;
  }

  /** Writes the chart as a 900 x 600 PNG, creating the parent directory; returns the path. */
  public Path save(Path file) {
    return save(file, 900, 600);
  }

  /**
   * Writes the chart as a PNG of the given size, creating the parent directory; returns the path.
   */
  public Path save(Path file, int width, int height) {
    if (layers.isEmpty()) {
      throw new IllegalStateException("chart '" + title + "' has nothing to draw");
    }
    System.setProperty("java.awt.headless", "true");
    NumberAxis xAxis = new NumberAxis(xLabel);
    xAxis.setAutoRangeIncludesZero(false);
    if (xRange != null) {
      xAxis.setRange(xRange[0], xRange[1]);
    }
    ValueAxis yAxis;
    if (logY) {
      yAxis = new LogAxis(yLabel);
    } else {
      NumberAxis linear = new NumberAxis(yLabel);
      linear.setAutoRangeIncludesZero(false);
      yAxis = linear;
    }
    if (yRange != null) {
      yAxis.setRange(yRange[0], yRange[1]);
    }
    XYPlot plot = new XYPlot();
    plot.setDomainAxis(xAxis);
    plot.setRangeAxis(yAxis);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    for (int i = 0; i < layers.size(); i++) {
      plot.setDataset(i, layers.get(i).data());
      plot.setRenderer(i, layers.get(i).renderer());
    }
    JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
    chart.setBackgroundPaint(Color.WHITE);
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      ChartUtils.saveChartAsPNG(file.toFile(), chart, width, height);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write chart '" + title + "' to " + file, e);
    }
    return file;
  }

  private Chart add(XYDataset data, XYItemRenderer renderer) {
    layers.add(new Layer(data, renderer));
    return this;
  }

  private Color nextColour() {
    return PALETTE[layers.size() % PALETTE.length];
  }

  private static XYSeriesCollection series(String name, double[] x, double[] y) {
    requireSameLength(name, x, y);
    XYSeries s = new XYSeries(name, false, true);
    for (int i = 0; i < x.length; i++) {
      if (!Double.isFinite(x[i]) || !Double.isFinite(y[i])) {
        throw new IllegalArgumentException(
            "series '" + name + "': point " + i + " is not finite (" + x[i] + ", " + y[i] + ")");
      }
      s.add(x[i], y[i]);
    }
    return new XYSeriesCollection(s);
  }

  private static void requireSameLength(String name, double[]... arrays) {
    for (double[] a : arrays) {
      Objects.requireNonNull(a, name);
      if (a.length != arrays[0].length) {
        throw new IllegalArgumentException(
            "series '"
                + name
                + "': arrays of different lengths "
                + arrays[0].length
                + " and "
                + a.length);
      }
    }
  }

  private static double[] range(double lower, double upper) {
    if (!(lower < upper) || !Double.isFinite(lower) || !Double.isFinite(upper)) {
      throw new IllegalArgumentException(
          "axis range [" + lower + ", " + upper + "] is not an interval");
    }
    return new double[] {lower, upper};
  }
}
