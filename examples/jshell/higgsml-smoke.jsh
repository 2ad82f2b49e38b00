// cnflows notebook: the CNF paper's HiggsML analysis through the library API, smoke preset
// (tiny models, 1 fb^-1: the pipeline's mechanics, not its physics).
// Run: examples/jshell/cnflows-shell.sh examples/jshell/higgsml-smoke.jsh
import org.cnflows.flows.*;
import org.cnflows.higgsml.*;
import org.cnflows.higgsml.analysis.*;

System.out.println("engine: " + EngineInfo.current());
var config = HiggsMlAnalysis.Config.smoke(11).withEvaluation(2, 3);

// Events from the synthetic generator (pass HiggsMlSamples.fairUniverse2025() for the real sample).
var result = HiggsMlAnalysis.run(config, null, Devices.fromSystemProperty(), System.out);
System.out.print(result.markdown());

// Each pseudo-experiment: its true mu, mu-hat and the belt's [p16, p84].
for (var o : result.outcomes()) {
  System.out.printf("mu %.3f -> mu-hat %.3f in [%.3f, %.3f]%n",
      o.trueMu(), o.prediction().muHat(), o.prediction().p16(), o.prediction().p84());
}

boolean ordered = result.outcomes().stream().allMatch(o -> o.prediction().p16() <= o.prediction().p84());
boolean ok = result.outcomes().size() == 6 && ordered && result.seconds().size() == 6;
System.out.println(ok ? "notebook OK" : "notebook FAILED");
/exit ok ? 0 : 1
