package org.cnflows.contrastive;

import ai.djl.Device;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.cnflows.common.ModelDirectory;
import org.cnflows.common.Standardization;
import org.cnflows.flows.EngineInfo;
import org.cnflows.flows.Flow;
import org.cnflows.flows.FlowIO;
import org.cnflows.flows.TrainingRecord;

/**
 * A set of trained contrastive normalizing flows over the same features, e.g. signal and background
 * CNFs for several contrasts c (Elsharkawy and Kahn 2025, Sec. 3 and 6.2), with the standardization
 * their inputs went through. Owns its flows: closing the set closes them.
 *
 * <p>Saved in the one saved-model format ({@link ModelDirectory}, type {@value #TYPE}: names,
 * targets, contrasts, standardization, data fingerprints, provenance) with one {@link FlowIO}
 * directory per member.
 */
public final class CnfSet implements AutoCloseable {

  /** The model type of a saved set ({@link ModelDirectory}). */
  public static final String TYPE = "cnf-set";

  /**
   * One CNF of the set.
   *
   * @param name a unique name, also the member's directory in a saved set (letters, digits, '_',
   *     '-', '.')
   * @param target the class the CNF models
   * @param c the contrast it was trained with
   * @param flow the trained flow (unconditional, on standardized features)
   */
  public record Member(String name, ContrastiveLoss.Target target, double c, Flow flow) {

    /** Validates the name and the contrast. */
    public Member {
      checkName(name);
      if (target == null || flow == null) {
        throw new IllegalArgumentException("member " + name + ": target and flow are required");
      }
      if (!(c > 0) || Double.isInfinite(c)) {
        throw new IllegalArgumentException(
            "member " + name + ": contrast c = " + c + " must be finite and > 0");
      }
    }
  }

  /** Member names are file names: letters, digits, '_', '-' or '.', not starting with '.'. */
  static void checkName(String name) {
    if (name == null || !name.matches("[A-Za-z0-9_.-]+") || name.startsWith(".")) {
      throw new IllegalArgumentException(
          "member name '" + name + "' must be letters, digits, '_', '-' or '.'");
    }
  }

  /** The configuration of a saved set. */
  record Index(int dim, Standardization standardization, List<Entry> members) {}

  /** One member in a saved set's configuration. */
  record Entry(String name, ContrastiveLoss.Target target, double c) {}

  private final List<Member> members;
  private final Standardization standardization;
  private final int dim;

  /**
   * @param members at least one CNF, all of the same dimension and without context
   * @param standardization the map applied to events before the flows
   */
  public CnfSet(List<Member> members, Standardization standardization) {
    if (members == null || members.isEmpty()) {
      throw new IllegalArgumentException("a CNF set needs at least one member");
    }
    this.dim = standardization.dim();
    Set<String> names = new HashSet<>();
    for (Member m : members) {
      if (!names.add(m.name())) {
        throw new IllegalArgumentException("member name '" + m.name() + "' is used twice");
      }
      if (m.flow().dim() != dim || m.flow().contextDim() != 0) {
        throw new IllegalArgumentException(
            "member "
                + m.name()
                + " has dim = "
                + m.flow().dim()
                + ", contextDim = "
                + m.flow().contextDim()
                + "; the set needs unconditional flows of dim = "
                + dim);
      }
    }
    this.members = List.copyOf(members);
    this.standardization = standardization;
  }

  /** D, the number of features the set reads. */
  public int dim() {
    return dim;
  }

  /** The members, in order. */
  public List<Member> members() {
    return members;
  }

  /** The map applied to events before the flows. */
  public Standardization standardization() {
    return standardization;
  }

  /**
   * Writes the set into {@code directory} (created if needed).
   *
   * @throws IOException if a file cannot be written
   */
  public void save(Path directory) throws IOException {
    Files.createDirectories(directory);
    List<Entry> entries = new ArrayList<>();
    for (Member m : members) {
      FlowIO.save(m.flow(), directory.resolve(m.name()));
      entries.add(new Entry(m.name(), m.target(), m.c()));
    }
    Flow first = members.get(0).flow();
    TrainingRecord training = first.training();
    ModelDirectory.write(
        directory,
        TYPE,
        new Index(dim, standardization, entries),
        new ModelDirectory.Record(
            first.seed(),
            null,
            training == null ? List.of() : training.data(),
            EngineInfo.current().describe()));
  }

  /**
   * Loads a set saved by {@link #save} onto a device.
   *
   * @throws IOException if a file is missing or unreadable
   * @throws IllegalArgumentException if the files are corrupt or do not match each other
   */
  public static CnfSet load(Path directory, Device device) throws IOException {
    Index index = ModelDirectory.read(directory, TYPE, Index.class).config();
    if (index.members() == null || index.standardization() == null) {
      throw new IllegalArgumentException(
          directory.resolve(ModelDirectory.MANIFEST) + " lacks the members or standardization");
    }
    List<Member> loaded = new ArrayList<>();
    try {
      for (Entry e : index.members()) {
        Flow flow = FlowIO.load(directory.resolve(e.name()), device);
        loaded.add(new Member(e.name(), e.target(), e.c(), flow));
      }
      return new CnfSet(loaded, index.standardization());
    } catch (IOException | RuntimeException e) {
      loaded.forEach(m -> m.flow().close());
      throw e;
    }
  }

  @Override
  public void close() {
    members.forEach(m -> m.flow().close());
  }
}
