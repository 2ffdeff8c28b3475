# Golden values for crates/ictstat-survey, computed with R's `survey` package.
#
#   Rscript scripts/survey/make_goldens.R          (from the repository root)
#
# Needs R and the survey package (Debian: `apt-get install r-cran-survey`; the goldens
# committed were made with R 4.2.2 and survey 4.1.1). It writes, deterministically
# (set.seed), the test designs as CSV and TOML under tests/fixtures/survey/ and, for each
# design, golden_<set>.csv with every estimate R gives, printed with 17 significant digits.
# The Rust tests read these files only: they need no R. See tests/fixtures/survey/README.md.
#
# Golden layout (long): set,domain,statistic,variable,quantity,value
#   domain     "all" or conditions joined by "&", e.g. "sex=2&urban=1"
#   statistic  mean | total | ratio | prop | design
#   quantity   estimate, se, cv, deff, deff_replace, ci_lower, ci_upper (Wald z, confint()),
#              logit_/beta_/mean_ estimate, lower, upper (svyciprop's methods),
#              df (degf), n (rows in the domain), size (sum of weights), error (message)

suppressMessages(library(survey))

args <- commandArgs(trailingOnly = TRUE)
out <- if (length(args) >= 1) args[[1]] else "tests/fixtures/survey"
dir.create(out, showWarnings = FALSE, recursive = TRUE)

fmt <- function(x) {
  if (is.character(x)) return(x)
  ifelse(is.na(x) & !is.nan(x), "NA", format(x, digits = 17))
}
write_csv <- function(df, file) {
  cols <- lapply(df, function(col) if (is.numeric(col)) vapply(col, fmt, "") else as.character(col))
  lines <- c(paste(names(df), collapse = ","), do.call(paste, c(cols, sep = ",")))
  writeLines(lines, file.path(out, file))
}

# ---------------------------------------------------------------------------------------
# Test data
# ---------------------------------------------------------------------------------------

# Stratified two-stage sample: 6 strata with 3-6 PSUs, 5-9 persons per PSU. Persons aged
# 75+ (agegrp 4) are men in a few PSUs only, none of them uses the Internet (a domain in
# only some PSUs, with p = 0); women aged 75+ are an empty cell. Two rows have weight 0.
make_persons <- function(seed, npsu, popsize) {
  set.seed(seed)
  rows <- list()
  id <- 0
  psu_global <- 0
  for (h in seq_along(npsu)) {
    for (j in seq_len(npsu[h])) {
      psu_global <- psu_global + 1
      m <- sample(5:9, 1)
      urban <- if (runif(1) < 0.5) 1 else 2
      base_w <- round(runif(1, 40, 160), 3)
      for (k in seq_len(m)) {
        id <- id + 1
        sex <- sample(1:2, 1)
        agegrp <- sample(1:3, 1, prob = c(0.3, 0.45, 0.25))
        if (psu_global %% 7 == 3 && k == 1) { sex <- 1; agegrp <- 4 }
        p <- plogis(-0.3 + 0.9 * (urban == 1) + 0.4 * (sex == 1) - 0.6 * (agegrp - 2) + rnorm(1, 0, 0.5))
        internet <- if (agegrp == 4) 0 else as.integer(runif(1) < p)
        hours <- round(internet * rgamma(1, 2, 0.2) + rexp(1, 1), 4)
        w <- round(base_w * runif(1, 0.8, 1.25), 4)
        rows[[id]] <- data.frame(id = id, stratum = h, psu = j, psu_id = psu_global, w = w,
                                 fpc = popsize[h], fpc_frac = npsu[h] / popsize[h],
                                 sex = sex, urban = urban, agegrp = agegrp,
                                 internet = internet, hours = hours)
      }
    }
  }
  d <- do.call(rbind, rows)
  d$w[c(4, 37)] <- 0
  d
}

persons <- make_persons(20260806, npsu = c(3, 4, 5, 3, 4, 6), popsize = c(30, 12, 50, 9, 40, 60))

# The same plus stratum 7 with a single PSU of urban persons only.
lonely <- local({
  set.seed(77)
  extra <- data.frame(id = max(persons$id) + 1:6, stratum = 7, psu = 1, psu_id = max(persons$psu_id) + 1,
                      w = round(runif(6, 60, 90), 4), fpc = NA, fpc_frac = NA,
                      sex = c(1, 2, 1, 2, 2, 1), urban = 1, agegrp = c(1, 2, 3, 2, 1, 2),
                      internet = c(1, 1, 0, 1, 0, 1), hours = round(runif(6, 0, 12), 4))
  rbind(persons, extra)
})

# Eight strata of exactly two PSUs (for BRR and Fay).
pairs <- make_persons(4242, npsu = rep(2, 8), popsize = rep(100, 8))

# ---------------------------------------------------------------------------------------
# Estimates
# ---------------------------------------------------------------------------------------

domains <- list(
  "all" = NULL,
  "sex=1" = c(sex = 1), "sex=2" = c(sex = 2),
  "urban=1" = c(urban = 1), "urban=2" = c(urban = 2),
  "sex=1&urban=1" = c(sex = 1, urban = 1), "sex=1&urban=2" = c(sex = 1, urban = 2),
  "sex=2&urban=1" = c(sex = 2, urban = 1), "sex=2&urban=2" = c(sex = 2, urban = 2),
  "agegrp=1" = c(agegrp = 1), "agegrp=2" = c(agegrp = 2), "agegrp=3" = c(agegrp = 3),
  "agegrp=4" = c(agegrp = 4), "sex=2&agegrp=4" = c(sex = 2, agegrp = 4)
)

in_domain <- function(data, cond) {
  keep <- rep(TRUE, nrow(data))
  for (v in names(cond)) keep <- keep & data[[v]] == cond[[v]]
  keep
}

golden <- NULL
emit <- function(set, domain, statistic, variable, quantity, value) {
  golden[[length(golden) + 1]] <<- data.frame(set = set, domain = domain, statistic = statistic,
                                              variable = variable, quantity = quantity,
                                              value = fmt(value), stringsAsFactors = FALSE)
}
attempt <- function(expr) tryCatch(suppressWarnings(expr), error = function(e) e)

estimate_all <- function(set, design, data, replicate = FALSE) {
  for (dn in names(domains)) {
    keep <- in_domain(data, domains[[dn]])
    emit(set, dn, "design", "", "n", sum(keep))
    if (!any(keep)) next
    sub <- design[keep, ]
    emit(set, dn, "design", "", "size", sum(weights(design, "sampling")[keep]))
    df <- attempt(degf(sub))
    if (!inherits(df, "error")) emit(set, dn, "design", "", "df", df)
    for (v in c("internet", "hours")) {
      f <- as.formula(paste0("~", v))
      m <- attempt(svymean(f, sub, deff = TRUE))
      if (inherits(m, "error")) { emit(set, dn, "mean", v, "error", conditionMessage(m)); next }
      mr <- svymean(f, sub, deff = "replace")
      ci <- confint(m)
      emit(set, dn, "mean", v, "estimate", coef(m)[[1]])
      emit(set, dn, "mean", v, "se", SE(m)[[1]])
      emit(set, dn, "mean", v, "cv", cv(m)[[1]])
      emit(set, dn, "mean", v, "deff", deff(m)[[1]])
      emit(set, dn, "mean", v, "deff_replace", deff(mr)[[1]])
      emit(set, dn, "mean", v, "ci_lower", ci[1, 1])
      emit(set, dn, "mean", v, "ci_upper", ci[1, 2])
      t <- svytotal(f, sub, deff = TRUE)
      tr <- svytotal(f, sub, deff = "replace")
      emit(set, dn, "total", v, "estimate", coef(t)[[1]])
      emit(set, dn, "total", v, "se", SE(t)[[1]])
      emit(set, dn, "total", v, "deff", deff(t)[[1]])
      emit(set, dn, "total", v, "deff_replace", deff(tr)[[1]])
    }
    r <- attempt(svyratio(~hours, ~internet, sub, deff = !replicate))
    if (!inherits(r, "error")) {
      emit(set, dn, "ratio", "hours/internet", "estimate", coef(r)[[1]])
      emit(set, dn, "ratio", "hours/internet", "se", SE(r)[[1]])
      if (!replicate) {
        emit(set, dn, "ratio", "hours/internet", "deff", attr(r, "deff")[1, 1])
        rr <- svyratio(~hours, ~internet, sub, deff = "replace")
        emit(set, dn, "ratio", "hours/internet", "deff_replace", attr(rr, "deff")[1, 1])
      }
    }
    for (method in c("logit", "beta", "mean")) {
      p <- attempt(svyciprop(~internet, sub, method = method))
      if (inherits(p, "error")) { emit(set, dn, "prop", "internet", paste0(method, "_error"), conditionMessage(p)); next }
      ci <- attr(p, "ci")
      emit(set, dn, "prop", "internet", paste0(method, "_estimate"), coef(p)[[1]])
      emit(set, dn, "prop", "internet", paste0(method, "_lower"), ci[[1]])
      emit(set, dn, "prop", "internet", paste0(method, "_upper"), ci[[2]])
    }
  }
}

# svyby does exactly design[byfactor %in% level, ] per level, as the loop above does;
# check that the loop and svyby agree on one breakdown, so the goldens are svyby's values.
check_svyby <- function(design, data) {
  by <- svyby(~internet, ~sex, design, svymean, deff = TRUE)
  for (s in 1:2) {
    m <- svymean(~internet, design[data$sex == s, ], deff = TRUE)
    stopifnot(isTRUE(all.equal(as.numeric(coef(by))[s], as.numeric(coef(m)), tolerance = 1e-14)),
              isTRUE(all.equal(as.numeric(SE(by))[s], as.numeric(SE(m)), tolerance = 1e-14)),
              isTRUE(all.equal(as.numeric(deff(by))[s], as.numeric(deff(m)), tolerance = 1e-14)))
  }
}

write_design_csv <- function(data, file, repw = NULL, prefix = "rw") {
  base <- data[, c("id", "stratum", "psu", "psu_id", "w", "fpc", "fpc_frac", "sex", "urban", "agegrp", "internet", "hours")]
  if (!is.null(repw)) {
    repw <- as.data.frame(repw)
    names(repw) <- paste0(prefix, seq_len(ncol(repw)))
    base <- cbind(base, repw)
  }
  write_csv(base, file)
}

write_toml <- function(file, lines) writeLines(c(paste0("# Written by scripts/survey/make_goldens.R"), lines), file.path(out, file))

# ---- Taylor-linearised designs --------------------------------------------------------

write_design_csv(persons, "persons.csv")
write_design_csv(lonely, "lonely.csv")
write_design_csv(pairs, "pairs.csv")

options(survey.lonely.psu = "fail")
d_strat <- svydesign(ids = ~psu, strata = ~stratum, weights = ~w, data = persons, nest = TRUE)
check_svyby(d_strat, persons)
estimate_all("strat_clus", d_strat, persons)
write_toml("strat_clus.toml", c('weight = "w"', 'strata = "stratum"', 'psu = "psu"', 'nest = true'))

for (policy in c("fail", "remove", "certainty", "adjust", "average")) {
  options(survey.lonely.psu = policy)
  d <- svydesign(ids = ~psu, strata = ~stratum, weights = ~w, data = lonely, nest = TRUE)
  estimate_all(paste0("lonely_", policy), d, lonely)
  write_toml(paste0("lonely_", policy, ".toml"),
             c('weight = "w"', 'strata = "stratum"', 'psu = "psu"', 'nest = true', paste0('lonely_psu = "', policy, '"')))
}
options(survey.lonely.psu = "fail")

d_fpc <- svydesign(ids = ~psu, strata = ~stratum, weights = ~w, fpc = ~fpc, data = persons, nest = TRUE)
check_svyby(d_fpc, persons)
estimate_all("fpc_popsize", d_fpc, persons)
write_toml("fpc_popsize.toml", c('weight = "w"', 'strata = "stratum"', 'psu = "psu"', 'nest = true', 'fpc = "fpc"'))
d_fpcf <- svydesign(ids = ~psu, strata = ~stratum, weights = ~w, fpc = ~fpc_frac, data = persons, nest = TRUE)
estimate_all("fpc_fraction", d_fpcf, persons)
write_toml("fpc_fraction.toml", c('weight = "w"', 'strata = "stratum"', 'psu = "psu"', 'nest = true', 'fpc = "fpc_frac"'))

# Unstratified, clustered (no strata key) and unclustered (no psu key) designs.
d_clus <- svydesign(ids = ~psu_id, weights = ~w, data = persons)
estimate_all("clus", d_clus, persons)
write_toml("clus.toml", c('weight = "w"', 'psu = "psu_id"'))
d_srs <- svydesign(ids = ~1, strata = ~stratum, weights = ~w, data = persons)
estimate_all("strat_units", d_srs, persons)
write_toml("strat_units.toml", c('weight = "w"', 'strata = "stratum"'))

# ---- Replicate-weight designs ---------------------------------------------------------

fmt_list <- function(x) paste0("[", paste(vapply(x, fmt, ""), collapse = ", "), "]")

replicate_set <- function(name, rdesign, data, method, extra = character()) {
  repw <- weights(rdesign, "analysis")
  write_design_csv(data, paste0(name, ".csv"), repw)
  # The same columns read back as a combined-weights design must give the same answers.
  back <- svrepdesign(data = read.csv(file.path(out, paste0(name, ".csv"))), repweights = "^rw[0-9]+$",
                      weights = ~w, type = "other", scale = rdesign$scale, rscales = rdesign$rscales,
                      combined.weights = TRUE, mse = rdesign$mse)
  stopifnot(isTRUE(all.equal(as.numeric(SE(svymean(~internet, back))), as.numeric(SE(svymean(~internet, rdesign))), tolerance = 1e-12)))
  for (mse in c(FALSE, TRUE)) {
    rdesign$mse <- mse
    set <- paste0(name, if (mse) "_mse" else "")
    estimate_all(set, rdesign, data, replicate = TRUE)
    write_toml(paste0(set, ".toml"),
               c('weight = "w"', "", "[replicates]", 'prefix = "rw"', paste0('method = "', method, '"'),
                 extra, paste0("mse = ", tolower(as.character(mse)))))
  }
}

d_clus_jk <- svydesign(ids = ~psu_id, weights = ~w, data = persons)
replicate_set("jk1", as.svrepdesign(d_clus_jk, type = "JK1"), persons, "JK1")
r_jkn <- as.svrepdesign(d_strat, type = "JKn")
replicate_set("jkn", r_jkn, persons, "JKn", paste0("rscales = ", fmt_list(r_jkn$rscales)))
d_pairs <- svydesign(ids = ~psu, strata = ~stratum, weights = ~w, data = pairs, nest = TRUE)
replicate_set("brr", as.svrepdesign(d_pairs, type = "BRR"), pairs, "BRR")
replicate_set("fay", as.svrepdesign(d_pairs, type = "Fay", fay.rho = 0.5), pairs, "Fay", "rho = 0.5")
set.seed(99)
r_boot <- as.svrepdesign(d_strat, type = "bootstrap", replicates = 40)
replicate_set("bootstrap", r_boot, persons, "bootstrap", paste0("scale = ", fmt(r_boot$scale)))
set.seed(100)
r_sub <- as.svrepdesign(d_strat, type = "subbootstrap", replicates = 40)
replicate_set("subbootstrap", r_sub, persons, "subbootstrap")

# Successive-difference weights in the ACS style: factor 1 + 2^-1.5 (H[a, r] - H[b, r]) for
# PSU k in sort order, rows a = k, b = k + 1 of a 16 x 16 Hadamard matrix in ±1.
H <- 2 * hadamard(15) - 1
stopifnot(nrow(H) == 16)
k <- match(persons$psu_id, sort(unique(persons$psu_id)))
a <- ((k - 1) %% 16) + 1
b <- (k %% 16) + 1
sdr_factors <- 1 + 2^-1.5 * (H[a, ] - H[b, ])
sdr_w <- persons$w * sdr_factors
for (mse in c(TRUE, FALSE)) {
  r_sdr <- svrepdesign(data = persons, repweights = sdr_w, weights = ~w, type = "successive-difference",
                       combined.weights = TRUE, mse = mse)
  set <- if (mse) "sdr" else "sdr_nomse"
  estimate_all(set, r_sdr, persons, replicate = TRUE)
  write_toml(paste0(set, ".toml"), c('weight = "w"', "", "[replicates]", 'prefix = "rw"', 'method = "SDR"',
                                    paste0("mse = ", tolower(as.character(mse)))))
}
write_design_csv(persons, "sdr.csv", sdr_w)

# ---- Distribution functions (the CIs' quantiles) --------------------------------------

q <- NULL
for (p in c(0.5, 0.6, 0.9, 0.95, 0.975, 0.995, 0.999, 0.025, 1e-6)) {
  q[[length(q) + 1]] <- data.frame(fn = "qnorm", p = p, a = NA, b = NA, value = qnorm(p))
  for (df in c(1, 2, 3, 4.5, 7, 12, 30, 100, 1000, 1e6)) {
    q[[length(q) + 1]] <- data.frame(fn = "qt", p = p, a = df, b = NA, value = qt(p, df))
  }
}
for (p in c(0.025, 0.975, 0.005, 0.5)) {
  for (ab in list(c(0.5, 0.5), c(1, 1), c(0.3, 4), c(2.5, 40.2), c(17.3, 3.1), c(150.7, 900.2),
                  c(3000.5, 0.8), c(1, 250), c(0.01, 5), c(45.6, 1))) {
    q[[length(q) + 1]] <- data.frame(fn = "qbeta", p = p, a = ab[1], b = ab[2], value = qbeta(p, ab[1], ab[2]))
  }
}
write_csv(do.call(rbind, q), "golden_quantiles.csv")

g <- do.call(rbind, golden)
for (set in unique(g$set)) write_csv(g[g$set == set, ], paste0("golden_", set, ".csv"))

writeLines(c(paste("R:", R.version.string), paste("survey:", as.character(packageVersion("survey")))),
           file.path(out, "VERSIONS"))
cat("wrote", nrow(g), "golden values for", length(unique(g$set)), "sets to", out, "\n")
