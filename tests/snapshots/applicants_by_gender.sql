WITH applications_of_year AS (
    SELECT applicant_key, carrier, gender, application_date, posting_id,
        disability <> 'nein' AS disclosed,
        stage IN ('eingeladen', 'eingestellt') AS invited,
        stage = 'eingestellt' AS hired
    FROM applications
    WHERE application_date >= $start AND application_date < $end),
        applicants AS (
            SELECT CASE WHEN GROUPING(carrier) = 1 THEN '*' ELSE carrier END AS view,
                bool_or(disclosed) AS disclosed,
                bool_or(invited) AS invited,
                bool_or(hired) AS hired,
                arg_max(gender, (application_date, posting_id, gender)) AS gender
            FROM applications_of_year
            GROUP BY GROUPING SETS ((applicant_key), (applicant_key, carrier))
        )
        SELECT view, gender, GROUPING(gender) AS g_gender,
            count(*) FILTER (WHERE TRUE) AS den_0,
    count(*) FILTER (WHERE (disclosed)) AS num_0,
    count(*) FILTER (WHERE (disclosed)) AS den_1,
    count(*) FILTER (WHERE (disclosed) AND (invited)) AS num_1,
    count(*) FILTER (WHERE (NOT disclosed)) AS den_2,
    count(*) FILTER (WHERE (invited) AND (NOT disclosed)) AS num_2,
    count(*) FILTER (WHERE (gender IN ('w', 'm'))) AS den_3,
    count(*) FILTER (WHERE (gender = 'w') AND (gender IN ('w', 'm'))) AS num_3,
    count(*) FILTER (WHERE (gender IN ('w', 'm')) AND (hired)) AS den_4,
    count(*) FILTER (WHERE (gender = 'w') AND (gender IN ('w', 'm')) AND (hired)) AS num_4
        FROM applicants
        WHERE view IS NOT NULL  -- applications without carrier, in the per-carrier grouping
        GROUP BY GROUPING SETS ((view), (view, gender))
