-- isac scoring views. Recreated on every open, so a newer isac upgrades them in place.
-- Every column is documented in docs/scoring.md.

-- Per-subtask scores with their row's coordinates and the model label. A composite (N) row appears
-- once per subtask, so it counts towards each of its subtasks; `task` is the subtask.
CREATE OR REPLACE VIEW scored AS
SELECT
    ru.model,
    s.run_id,
    s.row_id,
    r.dimension,
    r.variation_class,
    r.variant,
    s.subtask AS task,
    r.task AS row_task,
    r.dataset,
    r.item_id,
    s.* EXCLUDE (run_id, row_id, subtask)
FROM row_scores AS s
JOIN runs AS ru ON ru.run_id = s.run_id
JOIN rows AS r ON r.id = s.row_id;

-- Instruction-following rate per (model, dimension, class, variant, task).
CREATE OR REPLACE VIEW ifr AS
SELECT
    model,
    dimension,
    variation_class,
    variant,
    task,
    count(*) AS n,
    count(*) FILTER (WHERE compliant) AS compliant,
    100.0 * count(*) FILTER (WHERE compliant) / count(*) AS ifr
FROM scored
GROUP BY model, dimension, variation_class, variant, task;

-- Summed sufficient statistics per (model, dimension, class, variant, task): corpus metrics are
-- functions of these sums (jiwer corpus WER, sacrebleu corpus BLEU, accuracy, ...). One sum per numeric
-- statistic column of every registered metric (generated: see isac.runtime.scoring.db.schema).
CREATE OR REPLACE VIEW variant_stats AS
SELECT
    model,
    dimension,
    variation_class,
    variant,
    task,
    count(*) AS n,
    count(*) FILTER (WHERE compliant) AS compliant{{stat_sums}}
FROM scored
GROUP BY model, dimension, variation_class, variant, task;

-- Compliance-aware task metric (non-compliant answers scored as "") per variant, with the metric the
-- task's spec declares: each registered metric's SQL over the summed statistics (WER %, BLEU 0-100,
-- ACC %, ...) or, for metrics aggregated in Python (METEOR 0-1), the materialised group_scores value.
CREATE OR REPLACE VIEW metric_if AS
SELECT
    s.model,
    s.dimension,
    s.variation_class,
    s.variant,
    s.task,
    t.metric,
    t.higher_is_better,
    CASE t.metric_name{{metric_values}}
    END AS value,
    100.0 * CAST(s.compliant AS DOUBLE) / s.n AS ifr,
    s.n
FROM variant_stats AS s
JOIN tasks AS t ON t.task = s.task
LEFT JOIN group_scores AS g
    ON g.model = s.model AND g.dimension = s.dimension AND g.variation_class = s.variation_class
    AND g.variant = s.variant AND g.task = s.task AND g.metric_name = t.metric_name;

-- Class value per (model, class, task): the unweighted mean over the class's variants.
CREATE OR REPLACE VIEW class_scores AS
SELECT
    model,
    dimension,
    variation_class,
    task,
    metric,
    higher_is_better,
    avg(ifr) AS ifr,
    avg(value) AS value,
    count(*) AS variants,
    sum(n) AS n
FROM metric_if
GROUP BY model, dimension, variation_class, task, metric, higher_is_better;

-- Relative performance score per (model, class, task): the class value against the best value any
-- model in the database reaches for that (class, task). The best model gets exactly 1.
CREATE OR REPLACE VIEW rps AS
WITH best AS (
    SELECT
        variation_class,
        task,
        CASE WHEN bool_and(higher_is_better) THEN max(value) ELSE min(value) END AS best,
        count(value) AS models
    FROM class_scores
    GROUP BY variation_class, task
)
SELECT
    c.model,
    c.dimension,
    c.variation_class,
    c.task,
    c.metric,
    c.value,
    b.best,
    b.models,
    CASE
        WHEN c.value IS NULL THEN NULL
        WHEN c.value = b.best THEN 1.0
        WHEN c.higher_is_better THEN c.value / b.best
        ELSE b.best / c.value
    END AS rps
FROM class_scores AS c
JOIN best AS b ON b.variation_class = c.variation_class AND b.task = c.task;

-- One radar axis per (model, class): IFR and RPS averaged over the tasks the model has in the class
-- (N classes: over the subtasks of composite rows).
CREATE OR REPLACE VIEW axis_scores AS
SELECT
    c.model,
    c.dimension,
    c.variation_class,
    a.axis_index,
    avg(c.ifr) AS ifr,
    avg(r.rps) AS rps,
    count(*) AS tasks,
    string_agg(c.task, ',' ORDER BY c.task) AS task_list
FROM class_scores AS c
JOIN rps AS r ON r.model = c.model AND r.variation_class = c.variation_class AND r.task = c.task
JOIN axes AS a ON a.variation_class = c.variation_class
GROUP BY c.model, c.dimension, c.variation_class, a.axis_index;

-- Normalised radar areas per model: sum_i r_i * r_(i+1 mod k) / k over the k axes of the `axes` table
-- in their order (ISA-Bench: D1..D5, F1..F4, N1, N2), radii clamped to [0, 1], x100. A missing axis
-- has radius 0.
CREATE OR REPLACE VIEW area_ratios AS
WITH models AS (
    SELECT DISTINCT model FROM runs
),
radii AS (
    SELECT
        m.model,
        a.axis_index,
        s.model IS NOT NULL AS present,
        least(greatest(coalesce(s.ifr, 0.0) / 100.0, 0.0), 1.0) AS r_ifr,
        least(greatest(coalesce(s.rps, 0.0), 0.0), 1.0) AS r_rps
    FROM models AS m
    CROSS JOIN axes AS a
    LEFT JOIN axis_scores AS s ON s.model = m.model AND s.variation_class = a.variation_class
),
neighbours AS (
    SELECT
        model,
        present,
        r_ifr,
        r_rps,
        coalesce(lead(r_ifr) OVER byaxis, first_value(r_ifr) OVER byaxis) AS next_ifr,
        coalesce(lead(r_rps) OVER byaxis, first_value(r_rps) OVER byaxis) AS next_rps
    FROM radii
    WINDOW byaxis AS (PARTITION BY model ORDER BY axis_index)
)
SELECT
    model,
    100.0 * sum(r_ifr * next_ifr) / count(*) AS ifr_area,
    100.0 * sum(r_rps * next_rps) / count(*) AS rps_area,
    count(*) FILTER (WHERE present) AS axes
FROM neighbours
GROUP BY model;
