#!/usr/bin/env python3
"""Writes a long-layout CSV of N valid observations (default 1,000,000) for the import benchmark.

Keys are a full factorial of real catalogue codes (IT_USE_ii99 by area, year, sex,
urbanisation, age and education level), so every row is a distinct, valid data point; values
depend on area and year only, so disaggregates never contradict their totals.
Usage: gen_long_csv.py OUT.csv [N]
"""
import csv
import itertools
import sys

out, n = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
areas = [f"{c:03d}" for c in [4, 8, 12, 20, 24, 28, 31, 32, 36, 40, 44, 48, 50, 51, 52, 56, 64, 68, 70, 72, 76, 84, 90, 96, 100, 104, 108, 112, 116, 120, 124, 132, 140, 144, 148, 152, 156, 170, 174, 178, 180, 188, 191, 192, 196, 203, 204, 208, 212, 214, 218, 222, 226, 231, 232, 233, 242, 246, 250, 262, 266, 268, 270, 276, 288, 296, 300, 308, 320, 324, 328, 332, 340, 348, 352, 356, 360, 364, 368, 372, 376, 380, 384, 388, 392, 398, 400, 404, 408, 410, 414, 417, 418, 422, 426, 428, 430, 434, 438, 440]]
years = range(1965, 2025)
sexes = ["_T", "F", "M"]
urban = ["_T", "U", "R"]
ages = ["_T", "Y15T24", "Y25T64", "Y_GE65"]
education = ["_T", "ISCED11_1", "ISCED11_2", "ISCED11_3", "ISCED11_5"]
with open(out, "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["indicator", "area", "period", "sex", "urbanisation", "age", "education_lev", "value", "source"])
    rows = itertools.islice(itertools.product(areas, years, sexes, urban, ages, education), n)
    for area, year, sex, urb, age, edu in rows:
        value = round((int(area) * 7 + year) % 97 + 0.5, 1)
        w.writerow(["IT_USE_ii99", area, year, sex, urb, age, edu, value, "benchmark"])
