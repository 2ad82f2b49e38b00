package org.cnflows.higgsml.analysis;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Work on a list in order with the next item's preparation overlapped: the preparation (plain Java:
 * the generator, the systematics) of item k + 1 runs on a second thread while item k is consumed
 * (scoring in the engine). Every result depends on its item alone, so the results are those of a
 * plain loop.
 */
final class Ahead {

  private Ahead() {}

  /**
   * The results of {@code consume(item, prepare(item))} for every item, in order.
   *
   * @param items the work
   * @param prepare what runs ahead, on the second thread
   * @param consume what runs on the caller's thread
   * @param thread the second thread's name (in stack dumps)
   * @throws IllegalStateException if interrupted; a preparation's runtime exception is rethrown
   */
  static <I, P, R> List<R> map(
      List<I> items,
      Function<? super I, ? extends P> prepare,
      BiFunction<? super I, ? super P, ? extends R> consume,
      String thread) {
    ExecutorService ahead =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, thread);
              t.setDaemon(true);
              return t;
            });
    List<R> results = new ArrayList<>();
    try {
      Future<? extends P> next =
          items.isEmpty() ? null : ahead.submit(() -> prepare.apply(items.get(0)));
      for (int k = 0; k < items.size(); k++) {
        P prepared = next.get();
        if (k + 1 < items.size()) {
          I following = items.get(k + 1);
          next = ahead.submit(() -> prepare.apply(following));
        }
        results.add(consume.apply(items.get(k), prepared));
      }
      return results;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for " + thread, e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r
          ? r
          : new IllegalStateException(thread + " failed", e.getCause());
    } finally {
      ahead.shutdownNow();
    }
  }
}
