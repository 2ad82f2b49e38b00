// cnflows notebook: toy T1 log-densities with NDArrays, checked against double precision.
// Run: examples/jshell/cnflows-shell.sh examples/jshell/toy-t1.jsh
import ai.djl.ndarray.*;
import org.cnflows.flows.*;
import org.cnflows.stats.toys.*;

System.out.println("engine: " + EngineInfo.current());
var device = Devices.fromSystemProperty();
var manager = NDManager.newBaseManager(device);

// Five points along the line between the signal and background means.
float[] pts = new float[10];
for (int i = 0; i < 5; i++) {
  double t = i / 4.0;
  pts[2 * i] = (float) (ToyT1.SIGNAL.mean0() + t * (ToyT1.BACKGROUND.mean0() - ToyT1.SIGNAL.mean0()));
  pts[2 * i + 1] = (float) (ToyT1.SIGNAL.mean1() + t * (ToyT1.BACKGROUND.mean1() - ToyT1.SIGNAL.mean1()));
}
var x = manager.create(pts).reshape(5, 2);

// log N(x; m, S) = -1/2 (x-m)^T S^-1 (x-m) - log(2 pi) - 1/2 log det S
NDArray logDensity(NDArray x, BivariateGaussian g) {
  double[] p = g.precision();
  var m = x.getManager();
  var mean = m.create(new float[] {(float) g.mean0(), (float) g.mean1()});
  var prec = m.create(new float[] {(float) p[0], (float) p[1], (float) p[1], (float) p[2]}).reshape(2, 2);
  var d = x.sub(mean);
  return d.matMul(prec).mul(d).sum(new int[] {1}).mul(-0.5f)
      .add((float) (-Math.log(2 * Math.PI) - 0.5 * Math.log(g.determinant())));
}

float[] logPs = logDensity(x, ToyT1.SIGNAL).toFloatArray();
float[] logPb = logDensity(x, ToyT1.BACKGROUND).toFloatArray();
double worst = 0;
for (int i = 0; i < 5; i++) {
  double s = ToyT1.SIGNAL.logDensity(pts[2 * i], pts[2 * i + 1]);
  double b = ToyT1.BACKGROUND.logDensity(pts[2 * i], pts[2 * i + 1]);
  worst = Math.max(worst, Math.max(Math.abs(s - logPs[i]), Math.abs(b - logPb[i])));
  System.out.printf("t=%.2f  log p_s=%8.4f  log p_b=%8.4f  log(p_s/p_b)=%7.4f%n", i / 4.0, logPs[i], logPb[i], logPs[i] - logPb[i]);
}
System.out.printf("max |NDArray - double| = %.2e%n", worst);
manager.close();
int status = worst < 1e-4 ? 0 : 1;
System.out.println(status == 0 ? "notebook OK" : "notebook FAILED");
/exit status
