# bayesm.R — the reference run of the hierarchical Bayes benchmark (bench/hb/run.mjs):
# bayesm's rhierMnlRwMixture with one normal component (Rossi, Allenby and McCulloch 2005)
# on the panel written by bench/hb/make-data.mjs, with the priors mxl uses by default:
# mu ~ N(0, 100 I) (Amu = 0.01; bayesm's is conditional on Sigma), Sigma ~ IW(K + 3, I).
# Usage: Rscript bench/hb/bayesm.R PANEL.csv ITERATIONS BURNIN OUT.json
suppressMessages(library(bayesm))
args <- commandArgs(trailingOnly = TRUE)
file <- args[1]; R <- as.integer(args[2]); burn <- as.integer(args[3]); out <- args[4]
d <- read.csv(file)
K <- 4; J <- 4
ids <- unique(d$id)
lgtdata <- lapply(ids, function(i) {
  di <- d[d$id == i, ]
  di <- di[order(di$sit, di$alt), ]
  y <- di$alt[di$choice == 1]
  list(y = y, X = as.matrix(di[, c("x1", "x2", "x3", "x4")]))
})
Prior <- list(ncomp = 1, nu = K + 3, V = diag(K), Amu = matrix(0.01), mubar = matrix(0, 1, K))
set.seed(1)
t0 <- proc.time()[["elapsed"]]
fit <- rhierMnlRwMixture(Data = list(p = J, lgtdata = lgtdata), Prior = Prior, Mcmc = list(R = R, keep = 1, nprint = 0))
secs <- proc.time()[["elapsed"]] - t0
keep <- (burn + 1):R
mu <- t(sapply(keep, function(r) fit$nmix$compdraw[[r]][[1]]$mu))
Sigma <- t(sapply(keep, function(r) { rt <- fit$nmix$compdraw[[r]][[1]]$rooti; S <- chol2inv(chol(tcrossprod(rt))); as.vector(S) }))
ess <- function(x) { a <- acf(x, lag.max = min(1000, length(x) - 1), plot = FALSE)$acf[-1]; s <- 0; for (t in seq(1, length(a) - 1, 2)) { if (a[t] + a[t + 1] < 0) break; s <- s + a[t] + a[t + 1] }; length(x) / (1 + 2 * s) }
res <- list(seconds = secs, iterations = R, burnIn = burn, version = as.character(packageVersion("bayesm")),
  mu = colMeans(mu), muSd = apply(mu, 2, sd), muEss = apply(mu, 2, ess),
  Sigma = colMeans(Sigma), SigmaSd = apply(Sigma, 2, sd), SigmaEss = apply(Sigma, 2, ess))
writeLines(jsonlite_free <- paste0("{", paste(sprintf('"%s": [%s]', names(res), sapply(res, function(v) if (is.character(v)) sprintf('"%s"', v) else paste(format(v, digits = 10), collapse = ", "))), collapse = ", "), "}"), out)
cat(sprintf("bayesm %s: %d iterations in %.1f s (%.0f per second)\n", res$version, R, secs, R / secs))
