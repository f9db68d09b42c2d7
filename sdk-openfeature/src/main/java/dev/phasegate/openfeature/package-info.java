/**
 * {@link dev.phasegate.openfeature.PhasegateProvider}: OpenFeature's API over the Phasegate SDK, so an
 * application written against OpenFeature evaluates Phasegate features locally.
 */
package dev.phasegate.openfeature;
