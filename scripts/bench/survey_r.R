# R `survey` peer of scripts/bench/survey.sh, on the file of scripts/bench/gen_survey.py.
#
# Rscript survey_r.R FILE.csv TASK REPS VALUES.csv
#   TASK a: svyby(~internet, ~sex+urban, design, svymean)             (one indicator, 4 cells)
#   TASK b: svymean over the six indicators (national), then for each breakdown (sex, agegrp,
#           educ, urban, region, sex+urban) svyby(~<six indicators>, ~<breakdown>, design,
#           svymean): the same estimates and linearised SEs as ictstat's plan.toml.
# Each of REPS repetitions times, separately: the CSV read (data.table::fread of the needed
# columns, read.csv if data.table is missing), svydesign(ids = ~psu, strata = ~stratum,
# weights = ~w, nest = TRUE), and the estimation. Prints "TIME <step> <rep> <seconds>" lines;
# writes the first repetition's estimates as VALUES.csv (indicator, domain, estimate, se; the
# domain as "all", "sex=1", "sex=1&urban=2"), printed to 17 significant digits.
suppressPackageStartupMessages(library(survey))
args <- commandArgs(trailingOnly = TRUE)
file <- args[1]
task <- args[2]
reps <- as.integer(args[3])
out <- args[4]

vars <- if (task == "a") "internet" else
  c("internet", "computer", "mobile_own", "mobile_use", "skill_email", "skill_copy")
bys <- if (task == "a") list(c("sex", "urban")) else
  list("sex", "agegrp", "educ", "urban", "region", c("sex", "urban"))
needed <- unique(c("stratum", "psu", "w", unlist(bys), vars))
have_dt <- requireNamespace("data.table", quietly = TRUE)
cat("READER", if (have_dt) paste("data.table::fread", packageVersion("data.table")) else "read.csv", "\n")
cat("SURVEY", as.character(packageVersion("survey")), "\n")

elapsed <- function(expr) {
  t0 <- proc.time()[["elapsed"]]
  force(expr)
  proc.time()[["elapsed"]] - t0
}

for (rep in seq_len(reps)) {
  d <- NULL
  des <- NULL
  gc(verbose = FALSE)
  t <- elapsed(d <- if (have_dt) {
    as.data.frame(data.table::fread(file, select = needed, showProgress = FALSE))
  } else {
    read.csv(file)[, needed]
  })
  cat("TIME read", rep, sprintf("%.3f", t), "\n")
  t <- elapsed(des <- svydesign(ids = ~psu, strata = ~stratum, weights = ~w, nest = TRUE, data = d))
  cat("TIME design", rep, sprintf("%.3f", t), "\n")
  rows <- list()
  yf <- as.formula(paste("~", paste(vars, collapse = "+")))
  t <- elapsed({
    if (task == "b") {
      m <- svymean(yf, des)
      rows[[length(rows) + 1]] <- data.frame(indicator = vars, domain = "all",
                                             estimate = unname(coef(m)), se = unname(SE(m)))
    }
    for (by in bys) {
      r <- svyby(yf, as.formula(paste("~", paste(by, collapse = "+"))), des, svymean)
      dom <- apply(as.matrix(r[, by, drop = FALSE]), 1,
                   function(x) paste(paste0(by, "=", trimws(x)), collapse = "&"))
      for (v in vars) {
        se_col <- if (length(vars) == 1) "se" else paste0("se.", v)
        rows[[length(rows) + 1]] <- data.frame(indicator = v, domain = dom,
                                               estimate = r[[v]], se = r[[se_col]])
      }
    }
  })
  cat("TIME estimate", rep, sprintf("%.3f", t), "\n")
  if (rep == 1) { # written at once: a later repetition may be cut by the caller's timeout
    res <- do.call(rbind, rows)
    res$estimate <- sprintf("%.17g", res$estimate)
    res$se <- sprintf("%.17g", res$se)
    write.csv(res, out, row.names = FALSE, quote = FALSE)
  }
}
