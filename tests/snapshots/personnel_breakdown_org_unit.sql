WITH snapshot AS (
            SELECT * REPLACE (gender AS gender), CASE WHEN $year - birth_year < 30 THEN '< 30' WHEN $year - birth_year < 45 THEN '30–44' WHEN $year - birth_year < 55 THEN '45–54' ELSE '≥ 55' END AS age_band
            FROM personnel WHERE reporting_date = $date
        ),
        cells AS (
            SELECT carrier, org_unit AS org_unit,  (leave = 'keine') AS atom_0, (leave = 'Pflege') AS atom_1, (deputy) AS atom_2, (disability <> 'nein') AS atom_3, (gender = 'm') AS atom_4, (gender = 'w') AS atom_5, (gender IN ('w', 'm')) AS atom_6, (leadership <> 'keine') AS atom_7, (mobile_work <> 'keine') AS atom_8, (leave = 'Elternzeit') AS atom_9, (weekly_hours < full_time_hours) AS atom_10, (employment_type <> 'Ausbildung') AS atom_11,  count(*) AS n
            FROM snapshot
            GROUP BY ALL
        )
        SELECT CASE WHEN GROUPING(carrier) = 1 THEN '*' ELSE carrier END AS view,
            org_unit, GROUPING(org_unit) AS g_org_unit,
            coalesce(sum(n) FILTER (WHERE TRUE), 0) AS den_0,
    coalesce(sum(n) FILTER (WHERE (atom_6) AND (atom_11)), 0) AS den_1,
    coalesce(sum(n) FILTER (WHERE (atom_5) AND (atom_6) AND (atom_11)), 0) AS num_1,
    coalesce(sum(n) FILTER (WHERE (atom_6) AND (atom_7) AND (atom_11)), 0) AS den_2,
    coalesce(sum(n) FILTER (WHERE (atom_5) AND (atom_6) AND (atom_7) AND (atom_11)), 0) AS num_2,
    coalesce(sum(n) FILTER (WHERE (atom_2) AND (atom_6) AND (atom_11)), 0) AS den_3,
    coalesce(sum(n) FILTER (WHERE (atom_2) AND (atom_5) AND (atom_6) AND (atom_11)), 0) AS num_3,
    coalesce(sum(n) FILTER (WHERE (atom_0) AND (atom_11)), 0) AS den_4,
    coalesce(sum(n) FILTER (WHERE (atom_0) AND (atom_10) AND (atom_11)), 0) AS num_4,
    coalesce(sum(n) FILTER (WHERE (atom_0) AND (atom_5) AND (atom_11)), 0) AS den_5,
    coalesce(sum(n) FILTER (WHERE (atom_0) AND (atom_5) AND (atom_10) AND (atom_11)), 0) AS num_5,
    coalesce(sum(n) FILTER (WHERE (atom_0) AND (atom_4) AND (atom_11)), 0) AS den_6,
    coalesce(sum(n) FILTER (WHERE (atom_0) AND (atom_4) AND (atom_10) AND (atom_11)), 0) AS num_6,
    coalesce(sum(n) FILTER (WHERE (atom_0) AND (atom_6) AND (atom_10) AND (atom_11)), 0) AS den_7,
    coalesce(sum(n) FILTER (WHERE (atom_0) AND (atom_5) AND (atom_6) AND (atom_10) AND (atom_11)), 0) AS num_7,
    coalesce(sum(n) FILTER (WHERE (atom_0) AND (atom_7) AND (atom_11)), 0) AS den_8,
    coalesce(sum(n) FILTER (WHERE (atom_0) AND (atom_7) AND (atom_10) AND (atom_11)), 0) AS num_8,
    coalesce(sum(n) FILTER (WHERE (atom_0) AND (atom_11)), 0) AS den_9,
    coalesce(sum(n) FILTER (WHERE (atom_0) AND (atom_8) AND (atom_11)), 0) AS num_9,
    coalesce(sum(n) FILTER (WHERE (atom_6) AND (atom_9) AND (atom_11)), 0) AS den_10,
    coalesce(sum(n) FILTER (WHERE (atom_4) AND (atom_6) AND (atom_9) AND (atom_11)), 0) AS num_10,
    coalesce(sum(n) FILTER (WHERE (atom_1) AND (atom_6) AND (atom_11)), 0) AS den_11,
    coalesce(sum(n) FILTER (WHERE (atom_1) AND (atom_4) AND (atom_6) AND (atom_11)), 0) AS num_11,
    coalesce(sum(n) FILTER (WHERE TRUE), 0) AS den_12,
    coalesce(sum(n) FILTER (WHERE (atom_3)), 0) AS num_12
        FROM cells
        GROUP BY GROUPING SETS ((org_unit), (carrier, org_unit))
