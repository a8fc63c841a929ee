"""The benchmark harness of issue 7: a synthetic data generator and a stage-by-stage runner."""
