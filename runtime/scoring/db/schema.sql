-- isac scoring database: tables, static lookup tables and SQL macros.
-- Executed on every open; every statement is idempotent (IF NOT EXISTS / OR REPLACE).

CREATE TABLE IF NOT EXISTS schema_info (key VARCHAR, value VARCHAR);

-- One scored run directory. `model` is the label the views group by (the fingerprint's model_id
-- unless `isac score --name` overrides it); several runs of one model pool their rows.
CREATE TABLE IF NOT EXISTS runs (
    run_id VARCHAR NOT NULL,
    model VARCHAR NOT NULL,
    fingerprint JSON,
    profile VARCHAR NOT NULL,
    run_dir VARCHAR,
    created_at VARCHAR,
    scored_at TIMESTAMP,
    rows_total BIGINT,      -- rows in the run's manifests
    rows_scored BIGINT,     -- rows with a result record (scored, errors included)
    rows_missing BIGINT,    -- rows without any result record (not scored)
    rows_error BIGINT,      -- rows whose last record is an error (scored as non-compliant)
    records_unknown BIGINT  -- result records naming a row or manifest the run does not list (ignored)
);

-- Manifest rows, shared by every run that executed them (the id is a content hash).
CREATE TABLE IF NOT EXISTS rows (
    id VARCHAR NOT NULL,
    dimension VARCHAR NOT NULL,
    variation_class VARCHAR NOT NULL,
    variant VARCHAR NOT NULL,
    task VARCHAR NOT NULL,
    subtasks VARCHAR[] NOT NULL,
    dataset VARCHAR,
    item_id VARCHAR,
    audio VARCHAR,
    instruction VARCHAR,
    "references" JSON,
    checker JSON,
    meta JSON               -- provenance: the pool entries (fragments) the instruction drew
);

-- Which manifest rows each run covers (scored or not).
CREATE TABLE IF NOT EXISTS run_rows (
    run_id VARCHAR NOT NULL,
    row_id VARCHAR NOT NULL,
    manifest VARCHAR NOT NULL
);

-- The last result record of every executed row.
CREATE TABLE IF NOT EXISTS responses (
    run_id VARCHAR NOT NULL,
    row_id VARCHAR NOT NULL,
    response VARCHAR,
    error VARCHAR,
    latency_s DOUBLE,
    prompt_tokens BIGINT,
    completion_tokens BIGINT,
    attempt BIGINT
);

-- One line per (run, row, subtask): the profile's verdict and the compliance-aware answer. Each
-- registered metric adds its per-row sufficient statistics as columns (`wer_errors`, `bleu_sys_len`,
-- ...; see isac.runtime.scoring.metric_registry); columns of other tasks' metrics are NULL.
CREATE TABLE IF NOT EXISTS row_scores (
    run_id VARCHAR NOT NULL,
    row_id VARCHAR NOT NULL,
    subtask VARCHAR NOT NULL,
    compliant BOOLEAN NOT NULL,
    answer VARCHAR NOT NULL
);

-- What produced each run (isac.runtime.scoring.provenance): versions, hashes, fingerprint, metric
-- signatures, usage, and whether the data set has the paper's full scale.
CREATE TABLE IF NOT EXISTS provenance (run_id VARCHAR NOT NULL, model VARCHAR, data JSON);

-- The tasks of the scored manifest sets, as their spec declared them (compiled into isac.lock.json):
-- the metric each task is scored with, its direction, options, labels, and the task's position.
CREATE TABLE IF NOT EXISTS tasks (
    task VARCHAR PRIMARY KEY,
    task_order INTEGER NOT NULL,
    metric VARCHAR NOT NULL,          -- the metric's display label (WER, BLEU, ACC, METEOR, ...)
    metric_name VARCHAR NOT NULL,     -- its registry name (wer, bleu, accuracy, meteor, ...)
    higher_is_better BOOLEAN NOT NULL,
    metric_version VARCHAR,
    metric_options JSON,
    digits INTEGER,
    labels VARCHAR[],
    answer VARCHAR,
    dataset VARCHAR
);

-- The radar axes in the order the area formula walks them (from the compiled sets' spec).
CREATE TABLE IF NOT EXISTS axes (
    variation_class VARCHAR PRIMARY KEY,
    dimension VARCHAR NOT NULL,
    axis_index INTEGER NOT NULL,
    name VARCHAR NOT NULL
);

-- Values of metrics that do not aggregate by sums (METEOR 1.5: the jar recomputes the corpus score
-- from summed segment statistics with a per-segment adjustment), per (model, dimension, class,
-- variant, task); computed in Python after each `isac score`. `variation_class = '*'` and
-- `variant = '*'` pool every row of a dimension. `backend` says what computed the value
-- (meteor-1.5-jar exact, nltk-approx the labelled fallback without Java).
CREATE TABLE IF NOT EXISTS group_scores (
    model VARCHAR NOT NULL,
    dimension VARCHAR NOT NULL,
    variation_class VARCHAR NOT NULL,
    variant VARCHAR NOT NULL,
    task VARCHAR NOT NULL,
    metric_name VARCHAR NOT NULL,
    n BIGINT NOT NULL,
    value DOUBLE,
    backend VARCHAR
);

-- The metric of each task (a view, kept for queries written against earlier isac versions).
CREATE OR REPLACE VIEW task_metrics AS
SELECT task, metric, higher_is_better FROM tasks;

-- METEOR groups (a view over group_scores, kept for queries written against earlier isac versions).
CREATE OR REPLACE VIEW meteor_scores AS
SELECT model, dimension, variation_class, variant, task, n, value AS meteor, backend
FROM group_scores WHERE metric_name = 'meteor';

-- sacrebleu's BLEU precision for n-gram order n with exponential smoothing: `zeros` counts the orders
-- up to n that had no match (each one halves the smoothed precision again).
CREATE OR REPLACE MACRO bleu_precision(matches, total, zeros) AS (
    CASE WHEN matches > 0 THEN 100.0 * matches / total
         ELSE 100.0 / (pow(2.0, zeros) * total) END
);

-- sacrebleu corpus BLEU (smooth_method='exp', effective order off) from summed statistics.
CREATE OR REPLACE MACRO bleu_score(sys_len, ref_len, m1, m2, m3, m4, t1, t2, t3, t4) AS (
    CASE
        WHEN sys_len IS NULL THEN NULL
        WHEN m1 + m2 + m3 + m4 = 0 THEN 0.0
        -- an order with no n-grams at all ends the precision list; log(0) floors the score to 0
        WHEN t1 = 0 OR t2 = 0 OR t3 = 0 OR t4 = 0 THEN 0.0
        ELSE
            (CASE WHEN sys_len < ref_len THEN exp(1.0 - CAST(ref_len AS DOUBLE) / sys_len) ELSE 1.0 END)
            * exp((
                ln(bleu_precision(m1, t1, (m1 = 0)::INT))
                + ln(bleu_precision(m2, t2, (m1 = 0)::INT + (m2 = 0)::INT))
                + ln(bleu_precision(m3, t3, (m1 = 0)::INT + (m2 = 0)::INT + (m3 = 0)::INT))
                + ln(bleu_precision(m4, t4, (m1 = 0)::INT + (m2 = 0)::INT + (m3 = 0)::INT + (m4 = 0)::INT))
            ) / 4.0)
    END
);
