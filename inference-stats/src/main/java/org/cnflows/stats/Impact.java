package org.cnflows.stats;

/**
 * The impact of one nuisance parameter on the parameter of interest: the shift of the refitted POI
 * when the nuisance is fixed at its best value plus or minus its post-fit standard deviation (the
 * "impacts" of CMS, e.g. CMS Collaboration, Eur. Phys. J. C 79 (2019) 421, Sec. 6).
 *
 * @param name the nuisance parameter
 * @param sigma the post-fit standard deviation used
 * @param plus POI-hat(theta-hat + sigma) - POI-hat
 * @param minus POI-hat(theta-hat - sigma) - POI-hat
 */
public record Impact(String name, double sigma, double plus, double minus) {}
