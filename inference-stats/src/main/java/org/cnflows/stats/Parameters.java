package org.cnflows.stats;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.random.RandomGenerator;

/**
 * An ordered, immutable set of uniquely named {@link Parameter}s; the order defines the layout of
 * the {@code double[]} points that likelihoods are evaluated at. Thread-safe.
 */
public final class Parameters {

  private final List<Parameter> list;
  private final Map<String, Integer> index;

  private Parameters(List<Parameter> list) {
    if (list.isEmpty()) {
      throw new IllegalArgumentException("no parameters");
    }
    this.list = List.copyOf(list);
    this.index = new HashMap<>();
    for (int i = 0; i < list.size(); i++) {
      if (index.put(list.get(i).name(), i) != null) {
        throw new IllegalArgumentException("parameter name '" + list.get(i).name() + "' repeated");
      }
    }
  }

  /** The parameters in this order. */
  public static Parameters of(Parameter... parameters) {
    return new Parameters(List.of(parameters));
  }

  /** The parameters in this order. */
  public static Parameters of(List<Parameter> parameters) {
    return new Parameters(parameters);
  }

  /** Number of parameters. */
  public int size() {
    return list.size();
  }

  /** The i-th parameter. */
  public Parameter get(int i) {
    return list.get(i);
  }

  /** The parameter called {@code name}. */
  public Parameter get(String name) {
    return list.get(indexOf(name));
  }

  /** The position of {@code name}. */
  public int indexOf(String name) {
    Integer i = index.get(name);
    if (i == null) {
      throw new IllegalArgumentException("no parameter named '" + name + "' in " + names());
    }
    return i;
  }

  /** The names in order. */
  public List<String> names() {
    return list.stream().map(Parameter::name).toList();
  }

  /** The parameters as an unmodifiable list. */
  public List<Parameter> asList() {
    return list;
  }

  /** The initial values in order. */
  public double[] initialValues() {
    return list.stream().mapToDouble(Parameter::initial).toArray();
  }

  /** The positions of the floating parameters. */
  public int[] floatingIndices() {
    List<Integer> f = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      if (!list.get(i).fixed()) {
        f.add(i);
      }
    }
    return f.stream().mapToInt(Integer::intValue).toArray();
  }

  /** A copy in which the parameter {@code name} is replaced by {@code change.apply(it)}. */
  public Parameters with(String name, UnaryOperator<Parameter> change) {
    List<Parameter> copy = new ArrayList<>(list);
    int i = indexOf(name);
    Parameter changed = change.apply(list.get(i));
    if (!changed.name().equals(name)) {
      throw new IllegalArgumentException("renaming '" + name + "' to '" + changed.name() + "'");
    }
    copy.set(i, changed);
    return new Parameters(copy);
  }

  /** A copy whose initial values are {@code values} (fixed parameters included). */
  public Parameters withInitialValues(double[] values) {
    checkInside(values);
    List<Parameter> copy = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      copy.add(list.get(i).withInitial(values[i]));
    }
    return new Parameters(copy);
  }

  /** Throws unless {@code x} has one value per parameter, each within its bounds. */
  public void checkInside(double[] x) {
    if (x.length != list.size()) {
      throw new IllegalArgumentException(
          "point has " + x.length + " values for " + list.size() + " parameters " + names());
    }
    for (int i = 0; i < x.length; i++) {
      list.get(i).checkInside(x[i]);
    }
  }

  /** Sum of the constraint terms -ln pi_i(x_i). */
  public double constraintNll(double[] x) {
    double s = 0;
    for (int i = 0; i < list.size(); i++) {
      s += list.get(i).constraintNll(x[i]);
    }
    return s;
  }

  /**
   * A copy of {@code theta} in which every floating constrained parameter is drawn from its
   * constraint (clamped into its bounds): the nuisance values of one pseudo-experiment.
   */
  public double[] sampleConstrained(double[] theta, RandomGenerator rng) {
    checkInside(theta);
    double[] x = theta.clone();
    for (int i = 0; i < list.size(); i++) {
      Parameter p = list.get(i);
      if (!p.fixed() && p.constraint().isPresent()) {
        x[i] = Math.min(Math.max(p.constraint().get().sample(rng), p.lower()), p.upper());
      }
    }
    return x;
  }

  @Override
  public String toString() {
    return list.toString();
  }
}
