// cnflows notebook: the CNF paper's HiggsML analysis through the library API, smoke preset
// (tiny models, 1 fb^-1: the pipeline's mechanics, not its physics), then the saved analysis
// applied to one dataset as the challenge's predict() does.
// Run: examples/jshell/cnflows-shell.sh examples/jshell/higgsml-smoke.jsh
import java.nio.file.*;
import org.cnflows.flows.*;
import org.cnflows.higgsml.*;
import org.cnflows.higgsml.analysis.*;

System.out.println("engine: " + EngineInfo.current());
var config = HiggsMlAnalysis.Config.smoke(11).withEvaluation(2, 3);
var out = Files.createTempDirectory("cnflows-higgsml");

// Events from the synthetic generator (pass HiggsMlSamples.fairUniverse2025() for the real sample);
// every stage is saved in `out` and reused by a rerun with the same settings.
var device = Devices.fromSystemProperty();
var result = HiggsMlAnalysis.run(config, null, device, System.out, out);
System.out.print(result.markdown());

// Each pseudo-experiment: its true mu, mu-hat and the belt's [p16, p84].
for (var o : result.outcomes()) {
  System.out.printf("mu %.3f -> mu-hat %.3f in [%.3f, %.3f]%n",
      o.trueMu(), o.prediction().muHat(), o.prediction().p16(), o.prediction().p84());
}

// The saved analysis as a user applies it: one dataset in, (mu-hat, p16, p84) out.
var first = result.outcomes().get(0);
var source = HiggsMlAnalysis.experiments(config, null);
var events = source.generate(first.trueMu(), first.nuisances(), first.seed()).events();
boolean same;
try (var analysis = HiggsMlPredictor.load(out, device)) {
  var p = analysis.predict(events);
  System.out.printf("predict: mu-hat %.3f, p16 %.3f, p84 %.3f (%s)%n", p.muHat(), p.p16(), p.p84(), p.fit());
  same = p.equals(first.prediction());
}

boolean ordered = result.outcomes().stream().allMatch(o -> o.prediction().p16() <= o.prediction().p84());
boolean ok = result.outcomes().size() == 6 && ordered && same && result.seconds().size() == 6;
System.out.println(ok ? "notebook OK" : "notebook FAILED");
/exit ok ? 0 : 1
