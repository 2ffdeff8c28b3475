//! A synthetic household survey with ICT questions, for trying the tabulation: no real
//! microdata with ICT questions can be redistributed, so [`Demo::generate`] draws one whose
//! expected estimates equal a real country's published figures.
//!
//! **Design.** Stratified two-stage: strata = 5 regions × urban/rural; in each stratum
//! enumeration areas (EAs, the PSUs) drawn with probability proportional to their census
//! size (measure of size, MOS), a fixed take of [`HOUSEHOLDS_PER_EA`] households from the
//! EA's fresh listing, every member of a household interviewed. The frame is implicit: a
//! selected EA's MOS is drawn from the size-biased distribution that PPS selection gives,
//! and its listing count differs from the MOS by a growth factor, so the design weights
//! (inverse inclusion probabilities, `H_h / (n_h · MOS_i) · L_i / m`) vary within strata as
//! in real surveys. EAs are allocated to strata in proportion to population^0.7 (small
//! strata oversampled; at least 2 EAs each). Household weights are then calibrated
//! (post-stratified) so that the weighted number of persons of every stratum equals its
//! population; every member carries the household weight.
//!
//! **Internet use** (persons aged 5+) is Bernoulli with
//! `logit p = α[sex × urban] + age effect + education effect + region effect + u_EA + v_hh`,
//! `u_EA ~ N(0, 0.6²)`, `v_hh ~ N(0, 0.8²)`: the EA and household effects make use cluster,
//! so design effects exceed 1 as in real surveys. Each `α` is solved (bisection) so that the
//! *expected* proportion among the population aged 15+ (the built-in plan's scope) of that
//! sex × urban/rural cell equals the published figure: the expectation over the random
//! effects by quadrature, over the covariates (region, age, education) on 60,000 simulated
//! households drawn from the same model with a fixed seed. The national, sex and urban/rural
//! margins follow from the population composition. Computer use, mobile-phone use and
//! ownership, ICT skills and the household's computer and Internet access are drawn
//! conditionally on Internet use (computer use below Internet use, mobile ownership high,
//! skills rarer), with questionnaire codes 1 = yes, 2 = no.
//!
//! **The Internet module's follow-up questions** come from a second random stream (the
//! first one jumped 2^128 draws ahead), so that adding them changed no other answer of a seed:
//! the household's type of access (HH11; households with access only, multiple responses:
//! mostly mobile broadband via a handset, fixed broadband mainly in urban households with a
//! computer), each Internet user's frequency of use (HH12; daily use more common among the
//! urban, the young and the educated) and locations of use (HH8; multiple responses: home
//! for users whose household has access, then via a mobile phone, work for the employed,
//! places of education for the young, Internet cafés for users without access at home). The
//! rates (documented where they are drawn: `access_types`, `internet_follow_up`,
//! `locations`) are illustrative, not published figures; the columns are in [`ACCESS`],
//! [`FREQUENCIES`] and [`LOCATIONS`].
//!
//! **Deterministic**: a seeded xoshiro256** generator written here (no dependency), fixed
//! iteration orders and fixed number formatting — the same options give byte-identical files
//! on the same platform (`exp` and `ln` come from the platform's libm, whose last bits may
//! differ between C libraries).

use std::fmt::Write as _;
use std::io::{self, Write};

use thiserror::Error;

/// Households interviewed per EA (the fixed take).
pub const HOUSEHOLDS_PER_EA: usize = 12;
/// Fewest persons a demo may have (below this, strata get too few EAs to be a survey).
pub const MIN_PERSONS: usize = 2000;
/// Most persons a demo may have.
pub const MAX_PERSONS: usize = 50_000_000;
/// The default country (ISO 3166 alpha-3).
pub const DEFAULT_COUNTRY: &str = "PER";
/// The default seed.
pub const DEFAULT_SEED: u64 = 2018;
/// The default number of persons.
pub const DEFAULT_PERSONS: usize = 20_000;

/// Percentage of individuals using the Internet, as published, by sex and urban/rural.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Published {
    /// All individuals.
    pub total: f64,
    /// Men.
    pub male: f64,
    /// Women.
    pub female: f64,
    /// Urban.
    pub urban: f64,
    /// Urban men.
    pub urban_male: f64,
    /// Urban women.
    pub urban_female: f64,
    /// Rural.
    pub rural: f64,
    /// Rural men.
    pub rural_male: f64,
    /// Rural women.
    pub rural_female: f64,
}

impl Published {
    /// Every published cell as (SEX, URBANISATION, percent), `_T` for totals: the codes of
    /// the tabulation's output.
    pub fn cells(&self) -> [(&'static str, &'static str, f64); 9] {
        [
            ("_T", "_T", self.total),
            ("M", "_T", self.male),
            ("F", "_T", self.female),
            ("_T", "U", self.urban),
            ("M", "U", self.urban_male),
            ("F", "U", self.urban_female),
            ("_T", "R", self.rural),
            ("M", "R", self.rural_male),
            ("F", "R", self.rural_female),
        ]
    }

    /// The urban share of the population the figures cover, as they imply it:
    /// (total − rural) / (urban − rural).
    pub fn implied_urban_share(&self) -> f64 {
        (self.total - self.rural) / (self.urban - self.rural)
    }
}

/// A country the demo can imitate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Country {
    /// ISO 3166 alpha-3 code.
    pub code: &'static str,
    /// English name.
    pub name: &'static str,
    /// Reference year of the published figures.
    pub year: u16,
    /// Population of that year (World Bank SP.POP.TOTL, data/population/wb_sp_pop_totl.csv).
    pub population: f64,
    /// Female share of the population that year (Gapminder Systema Globalis female and male
    /// population, from UN WPP).
    pub female_share: f64,
    /// ITU's published Internet use by sex and urban/rural.
    pub internet: Published,
}

/// The countries whose every cell of ITU's table "Individuals using the Internet, by gender
/// and urban/rural location" (ITU World Telecommunication/ICT Indicators Database, edition of
/// 2019, latest year per economy) is published, as printed there (percent of individuals).
/// The urban share is the one the figures imply ([`Published::implied_urban_share`]).
pub const COUNTRIES: &[Country] = &[
    // ITU, "Individuals using the Internet, by gender and urban/rural location", 2019
    // edition: Peru 2018 (INEI, ENAHO).
    Country {
        code: "PER",
        name: "Peru",
        year: 2018,
        population: 31_897_584.0,
        female_share: 0.5014,
        internet: Published {
            total: 52.5,
            male: 55.2,
            female: 49.9,
            urban: 62.2,
            urban_male: 65.4,
            urban_female: 58.9,
            rural: 17.7,
            rural_male: 20.4,
            rural_female: 14.7,
        },
    },
    // Same table: Indonesia 2018.
    Country {
        code: "IDN",
        name: "Indonesia",
        year: 2018,
        population: 269_951_846.0,
        female_share: 0.4975,
        internet: Published {
            total: 39.9,
            male: 42.3,
            female: 37.5,
            urban: 50.9,
            urban_male: 53.4,
            urban_female: 48.4,
            rural: 26.6,
            rural_male: 28.9,
            rural_female: 24.2,
        },
    },
    // Same table: Colombia 2018.
    Country {
        code: "COL",
        name: "Colombia",
        year: 2018,
        population: 49_024_465.0,
        female_share: 0.5058,
        internet: Published {
            total: 64.1,
            male: 63.6,
            female: 64.6,
            urban: 72.4,
            urban_male: 72.8,
            urban_female: 72.0,
            rural: 35.8,
            rural_male: 35.2,
            rural_female: 36.6,
        },
    },
    // Same table: Mexico 2018.
    Country {
        code: "MEX",
        name: "Mexico",
        year: 2018,
        population: 124_573_711.0,
        female_share: 0.5132,
        internet: Published {
            total: 65.8,
            male: 67.3,
            female: 64.4,
            urban: 73.1,
            urban_male: 74.8,
            urban_female: 71.6,
            rural: 40.6,
            rural_male: 41.9,
            rural_female: 39.5,
        },
    },
    // Same table: Bolivia (Plurinational State of) 2018.
    Country {
        code: "BOL",
        name: "Bolivia",
        year: 2018,
        population: 11_508_368.0,
        female_share: 0.4965,
        internet: Published {
            total: 44.3,
            male: 47.0,
            female: 41.7,
            urban: 55.3,
            urban_male: 58.0,
            urban_female: 52.8,
            rural: 19.1,
            rural_male: 22.8,
            rural_female: 15.4,
        },
    },
    // Same table: Georgia 2018.
    Country {
        code: "GEO",
        name: "Georgia",
        year: 2018,
        population: 3_726_549.0,
        female_share: 0.5342,
        internet: Published {
            total: 62.7,
            male: 64.5,
            female: 61.2,
            urban: 75.8,
            urban_male: 77.6,
            urban_female: 74.3,
            rural: 46.1,
            rural_male: 49.0,
            rural_female: 43.4,
        },
    },
    // Same table: Thailand 2018.
    Country {
        code: "THA",
        name: "Thailand",
        year: 2018,
        population: 71_376_079.0,
        female_share: 0.5098,
        internet: Published {
            total: 56.8,
            male: 57.8,
            female: 55.9,
            urban: 66.1,
            urban_male: 67.5,
            urban_female: 64.8,
            rural: 49.3,
            rural_male: 50.1,
            rural_female: 48.6,
        },
    },
];

/// The country of an ISO 3166 alpha-3 code (any case), if the demo has its figures.
pub fn country(code: &str) -> Option<&'static Country> {
    COUNTRIES.iter().find(|c| c.code.eq_ignore_ascii_case(code))
}

/// What to generate.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoOptions {
    /// ISO 3166 alpha-3 code of one of [`COUNTRIES`].
    pub country: String,
    /// About how many persons (the sample is whole households: the count lands near it).
    pub persons: usize,
    /// Seed of the random generator.
    pub seed: u64,
}

impl Default for DemoOptions {
    fn default() -> Self {
        DemoOptions {
            country: DEFAULT_COUNTRY.to_owned(),
            persons: DEFAULT_PERSONS,
            seed: DEFAULT_SEED,
        }
    }
}

/// Options the demo cannot use.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum DemoError {
    /// The country has no published figures in [`COUNTRIES`].
    #[error(
        "unknown country `{given}`: the demo has ITU's figures by sex and urban/rural for {known}"
    )]
    UnknownCountry {
        /// What was asked for.
        given: String,
        /// The codes known.
        known: String,
    },
    /// Too few or too many persons.
    #[error("{given} persons: the demo needs between {MIN_PERSONS} and {MAX_PERSONS}")]
    Persons {
        /// What was asked for.
        given: usize,
    },
}

/// Regions of the synthetic country: population share, urban share before scaling to the
/// national share, effect on the logit of Internet use. Illustrative, not published.
const REGIONS: [(f64, f64, f64); 5] = [
    (0.30, 1.25, 0.35),
    (0.22, 1.05, 0.05),
    (0.20, 0.95, -0.10),
    (0.16, 0.85, -0.25),
    (0.12, 0.70, -0.40),
];
/// Standard deviation of the EA effect on the logit of Internet use.
const SD_EA: f64 = 0.6;
/// Standard deviation of the household effect on the logit of Internet use.
const SD_HH: f64 = 0.8;
/// Mean household size, urban and rural.
const HH_SIZE: [f64; 2] = [3.7, 4.0];
/// Mean census households per EA, urban and rural.
const EA_MOS: [f64; 2] = [160.0, 110.0];
/// Households simulated to find the intercepts.
const CALIBRATION_HOUSEHOLDS: usize = 60_000;
/// Age bands of the Internet-use model (lower limits) and their logit effects.
const AGE_BANDS: [(u8, f64); 8] = [
    (5, -0.4),
    (15, 0.9),
    (25, 0.6),
    (35, 0.2),
    (45, -0.3),
    (55, -0.9),
    (65, -1.6),
    (75, -2.3),
];
/// Education classes of the model (ISCED 0, 1, 2, 3, 4, 5+) and their logit effects.
const EDUC_EFFECT: [f64; 6] = [-1.4, -0.8, -0.1, 0.5, 0.8, 1.5];
/// ICT skills: column, probability among computer users, among Internet users without a
/// computer.
const SKILLS: [(&str, &str, f64, f64); 9] = [
    ("skill_copy_file", "q_skill_copy_file", 0.72, 0.08),
    ("skill_copy_paste", "q_skill_copy_paste", 0.68, 0.20),
    ("skill_email_attachment", "q_skill_email", 0.52, 0.15),
    ("skill_spreadsheet", "q_skill_spreadsheet", 0.33, 0.02),
    ("skill_connect_device", "q_skill_connect", 0.45, 0.18),
    ("skill_software", "q_skill_install", 0.38, 0.12),
    ("skill_presentation", "q_skill_presentation", 0.27, 0.02),
    ("skill_transfer_files", "q_skill_transfer", 0.46, 0.16),
    ("skill_programming", "q_skill_programming", 0.06, 0.005),
];

/// The household's types of Internet access (HH11): standard variable name of the plan,
/// column of `persons.csv`. Mobile broadband of any kind (`hh_access_mobile_broadband`) is
/// mapped in the plan as either of the two mobile columns.
pub const ACCESS: [(&str, &str); 4] = [
    ("hh_access_fixed_narrowband", "h_acc_fixed_narrow"),
    ("hh_access_fixed_broadband", "h_acc_fixed_broad"),
    ("hh_access_mobile_handset", "h_acc_mobile_handset"),
    ("hh_access_mobile_modem", "h_acc_mobile_modem"),
];
/// The frequencies of Internet use (HH12): standard variable name, code of the
/// `q_internet_freq` column.
pub const FREQUENCIES: [(&str, u8); 3] = [
    ("internet_daily", 1),
    ("internet_weekly", 2),
    ("internet_less_weekly", 3),
];
/// Effect of the age band ([`AGE_BANDS`]) on the logit of daily use among Internet users:
/// the young go online daily more often than the old.
const FREQ_AGE: [f64; 8] = [-0.2, 0.7, 0.5, 0.1, -0.3, -0.6, -0.9, -1.2];
/// Share of Internet users who are not daily users that use it at least once a week.
const WEEKLY_OF_NOT_DAILY: f64 = 0.7;
/// The locations of Internet use (HH8): standard variable name, column of `persons.csv`.
/// Their probabilities are in `locations`.
pub const LOCATIONS: [(&str, &str); 8] = [
    ("internet_loc_home", "q_loc_home"),
    ("internet_loc_work", "q_loc_work"),
    ("internet_loc_education", "q_loc_education"),
    ("internet_loc_other_home", "q_loc_other_home"),
    ("internet_loc_community", "q_loc_community"),
    ("internet_loc_commercial", "q_loc_commercial"),
    ("internet_loc_mobile_phone", "q_loc_mobile_phone"),
    ("internet_loc_mobile_other", "q_loc_mobile_other"),
];

/// One interviewed person. Codes as in a questionnaire: 1 = yes, 2 = no; `None` = not
/// asked (written as an empty field).
#[derive(Debug, Clone, PartialEq)]
pub struct Person {
    /// Household id (EA × 100 + household number).
    pub hhid: u64,
    /// Line number in the household (1 = head).
    pub line: u8,
    /// Region code 1–5.
    pub region: u8,
    /// 1 urban, 2 rural (column `urbrur`).
    pub urban: u8,
    /// Stratum: region × 10 + urban.
    pub stratum: u16,
    /// Enumeration area (PSU).
    pub psu: u32,
    /// Calibrated design weight (the household's).
    pub weight: f64,
    /// 1 male, 2 female.
    pub sex: u8,
    /// Age in completed years.
    pub age: u8,
    /// Highest ISCED 2011 level attained, 0–8.
    pub educ: u8,
    /// Labour-force status, aged 15+: 1 employed, 2 unemployed, 3 outside the labour force.
    pub lfs: Option<u8>,
    /// The household has a computer.
    pub h_computer: u8,
    /// The household has Internet access at home.
    pub h_internet: u8,
    /// Used a computer in the last 3 months (aged 5+).
    pub q_computer: Option<u8>,
    /// Used the Internet in the last 3 months (aged 5+).
    pub q_internet: Option<u8>,
    /// Used a mobile phone in the last 3 months (aged 5+).
    pub q_mobile_use: Option<u8>,
    /// Owns a mobile phone (aged 5+).
    pub q_mobile_own: Option<u8>,
    /// The nine ICT skills, in the order of the `q_skill_*` columns (aged 15+).
    pub skills: [Option<u8>; 9],
    /// The household's types of Internet access, in the order of [`ACCESS`] (households
    /// with access only).
    pub h_access: [Option<u8>; 4],
    /// How often the person used the Internet (Internet users only): the codes of
    /// [`FREQUENCIES`].
    pub q_internet_freq: Option<u8>,
    /// Where the person used the Internet, in the order of [`LOCATIONS`] (Internet users
    /// only).
    pub locations: [Option<u8>; 8],
}

/// A generated demo survey.
#[derive(Debug, Clone)]
pub struct Demo {
    /// The country imitated.
    pub country: &'static Country,
    /// The seed.
    pub seed: u64,
    /// The persons, by stratum, EA, household and line.
    pub persons: Vec<Person>,
    /// Households interviewed.
    pub households: usize,
    /// EAs (PSUs) drawn.
    pub psus: usize,
    /// Strata.
    pub strata: usize,
    /// Population of each stratum (stratum code, persons): the calibration totals.
    pub stratum_population: Vec<(u16, f64)>,
    /// The solved intercepts (urban male, urban female, rural male, rural female).
    pub intercepts: [f64; 4],
}

/// A stratum of the synthetic country.
#[derive(Debug, Clone, Copy)]
struct Stratum {
    code: u16,
    region: u8,
    /// 0 urban, 1 rural.
    area: usize,
    population: f64,
}

impl Demo {
    /// Draws the survey. Errors only for options it cannot use.
    pub fn generate(options: &DemoOptions) -> Result<Demo, DemoError> {
        let country = country(&options.country).ok_or_else(|| DemoError::UnknownCountry {
            given: options.country.clone(),
            known: COUNTRIES
                .iter()
                .map(|c| format!("{} ({})", c.code, c.name))
                .collect::<Vec<_>>()
                .join(", "),
        })?;
        if !(MIN_PERSONS..=MAX_PERSONS).contains(&options.persons) {
            return Err(DemoError::Persons {
                given: options.persons,
            });
        }
        let strata = strata(country);
        let intercepts = solve_intercepts(country, &strata);
        let mut rng = Rng::new(options.seed);
        let mut follow_up = rng.clone();
        follow_up.jump();

        // Allocation of EAs: ∝ population^0.7, at least 2, largest remainders.
        let mean_size = (HH_SIZE[0] + HH_SIZE[1]) / 2.0;
        let total_eas = ((options.persons as f64 / mean_size) / HOUSEHOLDS_PER_EA as f64)
            .round()
            .max(2.0 * strata.len() as f64) as usize;
        let alloc = allocate(&strata, total_eas);

        let mut persons = Vec::with_capacity(options.persons + options.persons / 10);
        let mut households = 0;
        let mut psu_id = 0u32;
        let mut stratum_population = Vec::new();
        for (s, &n_h) in strata.iter().zip(&alloc) {
            let census_households = s.population / HH_SIZE[s.area];
            let first = persons.len();
            for _ in 0..n_h {
                psu_id += 1;
                // PPS: the selected EA's MOS follows the size-biased distribution of
                // MOS ~ mean × U(0.4, 1.6) (rejection sampling).
                let mos = loop {
                    let x = 0.4 + 1.2 * rng.uniform();
                    if rng.uniform() < x / 1.6 {
                        break (EA_MOS[s.area] * x).round().max(20.0);
                    }
                };
                let growth = (0.05 + 0.15 * rng.normal()).exp();
                let listed = (mos * growth).round().max(HOUSEHOLDS_PER_EA as f64);
                let base_weight =
                    census_households / (n_h as f64 * mos) * listed / HOUSEHOLDS_PER_EA as f64;
                let u_ea = SD_EA * rng.normal();
                for k in 1..=HOUSEHOLDS_PER_EA {
                    households += 1;
                    let hhid = u64::from(psu_id) * 100 + k as u64;
                    let members = household(&mut rng, s.area);
                    let v_hh = SD_HH * rng.normal();
                    let start = persons.len();
                    for (line, (sex, age)) in members.into_iter().enumerate() {
                        let mut p = person(&mut rng, s, &intercepts, (sex, age), u_ea + v_hh);
                        p.hhid = hhid;
                        p.line = (line + 1) as u8;
                        p.psu = psu_id;
                        p.weight = base_weight;
                        persons.push(p);
                    }
                    household_access(&mut rng, &mut persons[start..]);
                    internet_follow_up(&mut follow_up, &mut persons[start..]);
                }
            }
            // Calibration: the stratum's weighted person count equals its population.
            let sum: f64 = persons[first..].iter().map(|p| p.weight).sum();
            let factor = s.population / sum;
            for p in &mut persons[first..] {
                p.weight = round_to(p.weight * factor, 4);
            }
            stratum_population.push((s.code, s.population));
        }
        Ok(Demo {
            country,
            seed: options.seed,
            persons,
            households,
            psus: psu_id as usize,
            strata: strata.len(),
            stratum_population,
            intercepts,
        })
    }

    /// Writes `persons.csv`: one row per person, a header row, fields as a questionnaire
    /// would code them (empty = not asked).
    pub fn write_persons(&self, out: impl Write) -> io::Result<()> {
        let mut out = io::BufWriter::new(out);
        let mut header = String::from(
            "hhid,line,region,urbrur,stratum,psu,weight,sex,age,educ,lfs,h_computer,h_internet,\
             q_computer,q_internet,q_mobile_use,q_mobile_own",
        );
        let columns = SKILLS.iter().map(|(_, column, _, _)| *column);
        let columns = columns
            .chain(ACCESS.iter().map(|(_, column)| *column))
            .chain(["q_internet_freq"])
            .chain(LOCATIONS.iter().map(|(_, column)| *column));
        for column in columns {
            header.push(',');
            header.push_str(column);
        }
        writeln!(out, "{header}")?;
        let opt = |v: Option<u8>| v.map(|c| c.to_string()).unwrap_or_default();
        let mut line = String::new();
        for p in &self.persons {
            line.clear();
            let _ = write!(
                line,
                "{},{},{},{},{},{},{:.4},{},{},{},{},{},{},{},{},{},{}",
                p.hhid,
                p.line,
                p.region,
                p.urban,
                p.stratum,
                p.psu,
                p.weight,
                p.sex,
                p.age,
                p.educ,
                opt(p.lfs),
                p.h_computer,
                p.h_internet,
                opt(p.q_computer),
                opt(p.q_internet),
                opt(p.q_mobile_use),
                opt(p.q_mobile_own),
            );
            let answers = p.skills.iter().chain(&p.h_access);
            let answers = answers.chain([&p.q_internet_freq]).chain(&p.locations);
            for a in answers {
                line.push(',');
                line.push_str(&opt(*a));
            }
            writeln!(out, "{line}")?;
        }
        out.flush()
    }

    /// `design.toml`: the design of the file (weight, strata, PSU, lonely-PSU policy).
    pub fn design_toml(&self) -> String {
        format!(
            "# The design of the ictstat demo survey (synthetic; `ictstat survey demo`): {} EAs\n\
             # drawn with probability proportional to size in {} strata (5 regions × urban/rural),\n\
             # {HOUSEHOLDS_PER_EA} households per EA, every member interviewed; weights calibrated to the\n\
             # population of each stratum.\n\
             weight = \"weight\"\n\
             strata = \"stratum\"\n\
             psu = \"psu\"\n\
             nest = true\n\
             lonely_psu = \"adjust\"\n\
             \n\
             # Where `--import` stores the estimates. The source says SYNTHETIC: import them\n\
             # into a scratch database, never beside real data for {code}.\n\
             [survey]\n\
             area = \"{code}\"\n\
             period = {year}\n\
             source = \"SYNTHETIC demo survey (ictstat survey demo --country {code} --seed {seed}), not official statistics\"\n",
            self.psus,
            self.strata,
            code = self.country.code,
            year = self.country.year,
            seed = self.seed,
        )
    }

    /// `plan.toml`: the built-in ITU household plan with the file's questions mapped to its
    /// standard variable names.
    pub fn plan_toml(&self) -> String {
        let mut t = String::from(
            "# Tabulation plan of the ictstat demo survey: the built-in ITU household plan, with the\n\
             # questions of persons.csv mapped to its standard variable names. `age` and `region`\n\
             # are columns of the file under the standard names already.\n\
             base = \"itu_household\"\n\
             \n\
             [variables]\n\
             internet_use = \"q_internet == 1\"\n\
             computer_use = \"q_computer == 1\"\n\
             mobile_use = \"q_mobile_use == 1\"\n\
             mobile_own = \"q_mobile_own == 1\"\n\
             hh_computer = \"h_computer == 1\"\n\
             hh_internet = \"h_internet == 1\"\n",
        );
        for (name, column, _, _) in SKILLS {
            let _ = writeln!(t, "{name} = \"{column} == 1\"");
        }
        for (name, column) in ACCESS {
            let _ = writeln!(t, "{name} = \"{column} == 1\"");
        }
        let _ = writeln!(
            t,
            "hh_access_mobile_broadband = \"{} == 1 or {} == 1\"",
            ACCESS[2].1, ACCESS[3].1
        );
        for (name, code) in FREQUENCIES {
            let _ = writeln!(t, "{name} = \"q_internet_freq == {code}\"");
        }
        for (name, column) in LOCATIONS {
            let _ = writeln!(t, "{name} = \"{column} == 1\"");
        }
        t.push_str(
            "female = \"sex == 2\"\n\
             male = \"sex == 1\"\n\
             isced = \"educ\"\n\
             employed = \"lfs == 1\"\n\
             unemployed = \"lfs == 2\"\n\
             outside_labour_force = \"lfs == 3\"\n\
             urban = \"urbrur == 1\"\n\
             rural = \"urbrur == 2\"\n\
             household_row = \"line == 1\"          # household indicators: one row per household\n\
             in_scope = \"age >= 15\"               # individuals aged 15 and over\n",
        );
        t
    }
}

/// The strata: region × urban/rural, populations from the country's total, the implied
/// urban share and the regions' shares.
fn strata(country: &Country) -> Vec<Stratum> {
    let urban_share = country.internet.implied_urban_share();
    let raw: f64 = REGIONS.iter().map(|(share, u, _)| share * u).sum();
    let mut out = Vec::new();
    for (i, &(share, u, _)) in REGIONS.iter().enumerate() {
        let region_urban = (u * urban_share / raw).clamp(0.02, 0.98);
        let region = (i + 1) as u8;
        for area in 0..2 {
            let part = if area == 0 {
                region_urban
            } else {
                1.0 - region_urban
            };
            out.push(Stratum {
                code: u16::from(region) * 10 + area as u16 + 1,
                region,
                area,
                population: (country.population * share * part).round(),
            });
        }
    }
    out
}

/// EAs per stratum: ∝ population^0.7, at least 2, largest remainders to the total.
fn allocate(strata: &[Stratum], total: usize) -> Vec<usize> {
    let power: Vec<f64> = strata.iter().map(|s| s.population.powf(0.7)).collect();
    let sum: f64 = power.iter().sum();
    let free = total - 2 * strata.len();
    let exact: Vec<f64> = power.iter().map(|p| p / sum * free as f64).collect();
    let mut alloc: Vec<usize> = exact.iter().map(|e| 2 + e.floor() as usize).collect();
    let mut left = total - alloc.iter().sum::<usize>();
    let mut order: Vec<usize> = (0..strata.len()).collect();
    order.sort_by(|&a, &b| {
        let ra = exact[a] - exact[a].floor();
        let rb = exact[b] - exact[b].floor();
        rb.total_cmp(&ra).then(a.cmp(&b))
    });
    for i in order {
        if left == 0 {
            break;
        }
        alloc[i] += 1;
        left -= 1;
    }
    alloc
}

/// The members of one household: (sex 1/2, age). Head first, then a spouse, children and
/// other relatives.
fn household(rng: &mut Rng, area: usize) -> Vec<(u8, u8)> {
    let size = (1 + rng.poisson(HH_SIZE[area] - 1.0)).min(12);
    let mut members = Vec::with_capacity(size);
    let head_sex = if rng.uniform() < 0.72 { 1 } else { 2 };
    // Head: 18–90, most 25–60.
    let head_age =
        (18.0 + 50.0 * rng.uniform().powf(1.4) + 22.0 * rng.uniform().powi(3)).min(95.0) as u8;
    members.push((head_sex, head_age));
    for k in 1..size {
        let r = rng.uniform();
        let member = if k == 1 && r < 0.75 {
            // Spouse.
            let age = (f64::from(head_age) + 4.0 * rng.normal() - 2.0).clamp(16.0, 95.0) as u8;
            (3 - head_sex, age)
        } else if r < 0.82 && head_age >= 20 {
            // Child of the head.
            let max = f64::from(head_age.saturating_sub(16)).min(30.0);
            (rng.sex(), (max * rng.uniform()) as u8)
        } else {
            // Other relative: a parent, a sibling, a grandchild.
            let age = match rng.below(3) {
                0 => 55.0 + 35.0 * rng.uniform(),
                1 => 15.0 + 40.0 * rng.uniform(),
                _ => 10.0 * rng.uniform(),
            };
            (rng.sex(), age as u8)
        };
        members.push(member);
    }
    members
}

/// Highest ISCED level attained by a person of this age, sex and area.
fn education(rng: &mut Rng, age: u8, sex: u8, area: usize) -> u8 {
    if age < 6 {
        return 0;
    }
    // Latent attainment: younger cohorts, urban areas and (slightly) men attain more.
    let cohort = if age >= 25 {
        -0.03 * f64::from(age - 25)
    } else {
        0.0
    };
    let z = 0.4
        + cohort
        + if area == 0 { 0.7 } else { -0.3 }
        + if sex == 1 { 0.1 } else { 0.0 }
        + rng.normal();
    let level = match z {
        z if z < -1.3 => 0,
        z if z < -0.4 => 1,
        z if z < 0.3 => 2,
        z if z < 1.1 => 3,
        z if z < 1.3 => 4,
        z if z < 2.0 => 6,
        z if z < 2.6 => 5,
        _ => 7,
    };
    // Nobody finishes a level before the age for it.
    let most = match age {
        0..=11 => 1,
        12..=14 => 2,
        15..=17 => 3,
        18..=20 => 4,
        21..=23 => 6,
        _ => 8,
    };
    level.min(most)
}

/// Education class of the model: ISCED 0, 1, 2, 3, 4, 5+.
fn educ_class(educ: u8) -> usize {
    usize::from(educ.min(5))
}

/// Age band of the model (age ≥ 5).
fn age_band(age: u8) -> usize {
    AGE_BANDS
        .iter()
        .rposition(|(lo, _)| age >= *lo)
        .unwrap_or(0)
}

/// Index of a sex × urban/rural cell: urban male, urban female, rural male, rural female.
fn cell(sex: u8, area: usize) -> usize {
    area * 2 + usize::from(sex - 1)
}

/// The fixed part of the logit of Internet use, without the intercept.
fn linear(region: u8, age: u8, educ: u8) -> f64 {
    REGIONS[usize::from(region - 1)].2 + AGE_BANDS[age_band(age)].1 + EDUC_EFFECT[educ_class(educ)]
}

fn expit(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

fn round_to(x: f64, digits: i32) -> f64 {
    let f = 10f64.powi(digits);
    (x * f).round() / f
}

/// One person's answers. Internet use first, the rest conditionally on it.
fn person(
    rng: &mut Rng,
    s: &Stratum,
    intercepts: &[f64; 4],
    (sex, age): (u8, u8),
    effects: f64,
) -> Person {
    let educ = education(rng, age, sex, s.area);
    let urban = s.area == 0;
    let lfs = (age >= 15).then(|| {
        let outside = match age {
            15..=24 => 0.55,
            25..=59 => {
                if sex == 2 {
                    0.35
                } else {
                    0.12
                }
            }
            60..=69 => 0.55,
            _ => 0.85,
        };
        let r = rng.uniform();
        if r < outside {
            3
        } else if r < outside + (1.0 - outside) * 0.06 {
            2
        } else {
            1
        }
    });
    let mut p = Person {
        hhid: 0,
        line: 0,
        region: s.region,
        urban: if urban { 1 } else { 2 },
        stratum: s.code,
        psu: 0,
        weight: 0.0,
        sex,
        age,
        educ,
        lfs,
        h_computer: 2,
        h_internet: 2,
        q_computer: None,
        q_internet: None,
        q_mobile_use: None,
        q_mobile_own: None,
        skills: [None; 9],
        h_access: [None; 4],
        q_internet_freq: None,
        locations: [None; 8],
    };
    if age < 5 {
        return p;
    }
    let eta = intercepts[cell(sex, s.area)] + linear(s.region, age, educ) + effects;
    let internet = rng.uniform() < expit(eta);
    let computer = if internet {
        let x = -0.6
            + if educ >= 3 { 0.7 } else { 0.0 }
            + if educ >= 5 { 0.9 } else { 0.0 }
            + if urban { 0.3 } else { -0.2 }
            + if age < 15 { 0.4 } else { 0.0 };
        rng.uniform() < expit(x)
    } else {
        rng.uniform() < 0.02
    };
    let mobile_use = internet
        || rng.uniform()
            < match age {
                5..=9 => 0.15,
                10..=14 => 0.40,
                _ => {
                    if urban {
                        0.75
                    } else {
                        0.62
                    }
                }
            };
    let mobile_own = mobile_use
        && rng.uniform()
            < match (age, internet) {
                (5..=9, _) => 0.05,
                (10..=14, _) => 0.30,
                (_, true) => 0.96,
                (_, false) => 0.78,
            };
    p.q_internet = Some(yes(internet));
    p.q_computer = Some(yes(computer));
    p.q_mobile_use = Some(yes(mobile_use));
    p.q_mobile_own = Some(yes(mobile_own));
    if age >= 15 {
        let boost = if educ >= 5 { 1.25 } else { 1.0 };
        for (k, (_, _, with_computer, internet_only)) in SKILLS.iter().enumerate() {
            let prob = if computer {
                (with_computer * boost).min(0.95)
            } else if internet {
                *internet_only
            } else {
                0.0
            };
            p.skills[k] = Some(yes(rng.uniform() < prob));
        }
    }
    p
}

/// The household's access, from its members' use: a household with an Internet user has
/// access at home more often than not (mobile broadband counts), one without rarely.
fn household_access(rng: &mut Rng, members: &mut [Person]) {
    let urban = members[0].urban == 1;
    let any_internet = members.iter().any(|m| m.q_internet == Some(1));
    let any_computer = members.iter().any(|m| m.q_computer == Some(1));
    let internet = rng.uniform()
        < match (any_internet, urban) {
            (true, true) => 0.78,
            (true, false) => 0.48,
            (false, _) => 0.03,
        };
    let computer = rng.uniform() < if any_computer { 0.62 } else { 0.02 };
    for m in members {
        m.h_internet = if internet { 1 } else { 2 };
        m.h_computer = if computer { 1 } else { 2 };
    }
}

/// The questionnaire code of a yes/no answer: 1 = yes, 2 = no.
fn yes(b: bool) -> u8 {
    if b { 1 } else { 2 }
}

/// The Internet module's follow-up questions of one household: its types of access if it
/// has access, each Internet user's frequency and locations of use.
fn internet_follow_up(rng: &mut Rng, members: &mut [Person]) {
    let urban = members[0].urban == 1;
    let at_home = members[0].h_internet == 1;
    let computer = members[0].h_computer == 1;
    let access = if at_home {
        access_types(rng, urban, computer).map(|b| Some(yes(b)))
    } else {
        [None; 4]
    };
    for m in members {
        m.h_access = access;
        if m.q_internet != Some(1) {
            continue;
        }
        // Daily use: logit 1.0, +0.4 urban / −0.5 rural, by age band, +0.2 upper
        // secondary, +0.6 tertiary.
        let eta = 1.0
            + if urban { 0.4 } else { -0.5 }
            + FREQ_AGE[age_band(m.age)]
            + match m.educ {
                0..=2 => 0.0,
                3 | 4 => 0.2,
                _ => 0.6,
            };
        m.q_internet_freq = Some(if rng.uniform() < expit(eta) {
            1
        } else if rng.uniform() < WEEKLY_OF_NOT_DAILY {
            2
        } else {
            3
        });
        m.locations = locations(rng, m, urban, at_home).map(|b| Some(yes(b)));
    }
}

/// A household's types of access, in the order of [`ACCESS`]: fixed narrowband (dial-up,
/// 1 %), fixed broadband (60 % of urban households with a computer, 25 % without; 20 % and
/// 5 % of rural ones), mobile broadband via a handset (90 % of those without fixed
/// broadband, 65 % of those with), via a card or USB modem (8 % with a computer, 2 %
/// without). A household with access has at least one type: if none is drawn, the commonest,
/// a handset.
fn access_types(rng: &mut Rng, urban: bool, computer: bool) -> [bool; 4] {
    let narrowband = rng.uniform() < 0.01;
    let broadband = rng.uniform()
        < match (urban, computer) {
            (true, true) => 0.60,
            (true, false) => 0.25,
            (false, true) => 0.20,
            (false, false) => 0.05,
        };
    let handset = rng.uniform() < if broadband { 0.65 } else { 0.90 };
    let modem = rng.uniform() < if computer { 0.08 } else { 0.02 };
    let handset = handset || !(narrowband || broadband || modem);
    [narrowband, broadband, handset, modem]
}

/// An Internet user's locations of use, in the order of [`LOCATIONS`]: home (85 % if the
/// household has access, 4 % otherwise — a neighbour's network), work (employed: 60 % with
/// tertiary education, 25 % without), place of education (aged 5–24: 40 % urban, 25 % rural;
/// 25–34: 6 %; older 1 %), another person's home 15 %, a community facility (3 % urban, 5 %
/// rural), a commercial facility (5 % with access at home, 30 % urban and 35 % rural
/// without), via a mobile phone (mobile-phone users: 45 %, 55 % aged 15–34), via another
/// mobile device (12 % of computer users, 2 % of others). A user has at least one: if none is
/// drawn, home if the household has access, else a mobile phone if the user has one, else a
/// commercial facility.
fn locations(rng: &mut Rng, p: &Person, urban: bool, at_home: bool) -> [bool; 8] {
    let mobile = p.q_mobile_use == Some(1);
    let probabilities = [
        if at_home { 0.85 } else { 0.04 },
        match (p.lfs, p.educ >= 5) {
            (Some(1), true) => 0.60,
            (Some(1), false) => 0.25,
            _ => 0.0,
        },
        match (p.age, urban) {
            (5..=24, true) => 0.40,
            (5..=24, false) => 0.25,
            (25..=34, _) => 0.06,
            _ => 0.01,
        },
        0.15,
        if urban { 0.03 } else { 0.05 },
        match (at_home, urban) {
            (true, _) => 0.05,
            (false, true) => 0.30,
            (false, false) => 0.35,
        },
        match (mobile, p.age) {
            (false, _) => 0.0,
            (true, 15..=34) => 0.55,
            (true, _) => 0.45,
        },
        if p.q_computer == Some(1) { 0.12 } else { 0.02 },
    ];
    let mut at = probabilities.map(|prob| rng.uniform() < prob);
    if !at.contains(&true) {
        let fallback = if at_home {
            0
        } else if mobile {
            6
        } else {
            5
        };
        at[fallback] = true;
    }
    at
}

/// The intercepts α[cell] that make the expected Internet use of the population aged 15+
/// of each sex × urban/rural cell equal the published figure. The covariate distribution
/// comes from simulated households (fixed seed, drawn as the survey draws them, each
/// stratum in proportion to its households); the random effects are integrated by the
/// trapezoidal rule over N(0, SD_EA² + SD_HH²) on ±8 SD (exact to far below 1e-9).
fn solve_intercepts(country: &Country, strata: &[Stratum]) -> [f64; 4] {
    let mut rng = Rng::new(0x1C75_7A7D_E30D_0001);
    let households: Vec<f64> = strata
        .iter()
        .map(|s| s.population / HH_SIZE[s.area])
        .collect();
    let total: f64 = households.iter().sum();
    // Histogram per cell of the fixed part (region × age band × education class).
    let mut hist = vec![[0f64; 5 * 8 * 6]; 4];
    for (s, h) in strata.iter().zip(&households) {
        let n = (h / total * CALIBRATION_HOUSEHOLDS as f64).round() as usize;
        for _ in 0..n {
            for (sex, age) in household(&mut rng, s.area) {
                let educ = education(&mut rng, age, sex, s.area);
                if age < 15 {
                    continue;
                }
                let bin = (usize::from(s.region - 1) * 8 + age_band(age)) * 6 + educ_class(educ);
                hist[cell(sex, s.area)][bin] += 1.0;
            }
        }
    }
    let sd = (SD_EA * SD_EA + SD_HH * SD_HH).sqrt();
    let nodes: Vec<(f64, f64)> = (-80..=80)
        .map(|i| {
            let z = f64::from(i) * 0.1;
            (sd * z, (-0.5 * z * z).exp())
        })
        .collect();
    let norm: f64 = nodes.iter().map(|(_, w)| w).sum();
    let fixed: Vec<f64> = (0..5 * 8 * 6)
        .map(|bin| {
            let (region, rest) = (bin / 48, bin % 48);
            let (band, class) = (rest / 6, rest % 6);
            REGIONS[region].2 + AGE_BANDS[band].1 + EDUC_EFFECT[class]
        })
        .collect();
    let p = &country.internet;
    let targets = [p.urban_male, p.urban_female, p.rural_male, p.rural_female];
    let mut out = [0.0; 4];
    for c in 0..4 {
        let n: f64 = hist[c].iter().sum();
        let mean = |alpha: f64| {
            let mut sum = 0.0;
            for (bin, count) in hist[c].iter().enumerate() {
                if *count == 0.0 {
                    continue;
                }
                let e: f64 = nodes
                    .iter()
                    .map(|(x, w)| w * expit(alpha + fixed[bin] + x))
                    .sum();
                sum += count * e / norm;
            }
            sum / n
        };
        let target = targets[c] / 100.0;
        let (mut lo, mut hi) = (-20.0, 20.0);
        for _ in 0..60 {
            let mid = 0.5 * (lo + hi);
            if mean(mid) < target {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        out[c] = 0.5 * (lo + hi);
    }
    out
}

/// xoshiro256** (Blackman & Vigna), seeded through SplitMix64: small, fast, and the same
/// stream on every platform.
#[derive(Debug, Clone)]
struct Rng {
    s: [u64; 4],
}

impl Rng {
    fn new(seed: u64) -> Rng {
        let mut x = seed;
        let mut next = || {
            x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = x;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        };
        Rng {
            s: [next(), next(), next(), next()],
        }
    }

    fn next_u64(&mut self) -> u64 {
        let result = self.s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = self.s[1] << 17;
        self.s[2] ^= self.s[0];
        self.s[3] ^= self.s[1];
        self.s[1] ^= self.s[2];
        self.s[0] ^= self.s[3];
        self.s[2] ^= t;
        self.s[3] = self.s[3].rotate_left(45);
        result
    }

    /// Uniform on [0, 1), 53 bits.
    fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform integer in 0..n.
    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Standard normal (Box–Muller, one of the pair).
    fn normal(&mut self) -> f64 {
        let u1 = 1.0 - self.uniform();
        let u2 = self.uniform();
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }

    /// Poisson (Knuth's product method; means here are small).
    fn poisson(&mut self, mean: f64) -> usize {
        let limit = (-mean).exp();
        let mut k = 0;
        let mut p = self.uniform();
        while p > limit {
            k += 1;
            p *= self.uniform();
        }
        k
    }

    /// 1 or 2 with equal chance.
    fn sex(&mut self) -> u8 {
        1 + self.below(2) as u8
    }

    /// Advances the generator by 2^128 draws (the reference implementation's `jump`): the
    /// stream from here on does not overlap the one before for any practical length.
    fn jump(&mut self) {
        const JUMP: [u64; 4] = [
            0x180e_c6d3_3cfd_0aba,
            0xd5a6_1266_f0c9_392c,
            0xa958_2618_e03f_c9aa,
            0x39ab_dc45_29b1_661c,
        ];
        let mut s = [0u64; 4];
        for word in JUMP {
            for bit in 0..64 {
                if word & (1u64 << bit) != 0 {
                    for (acc, x) in s.iter_mut().zip(self.s) {
                        *acc ^= x;
                    }
                }
                self.next_u64();
            }
        }
        self.s = s;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xoshiro_reference_stream() {
        // xoshiro256** from the state {1, 2, 3, 4}: the reference C implementation's first
        // outputs.
        let mut r = Rng { s: [1, 2, 3, 4] };
        assert_eq!(r.next_u64(), 11520);
        assert_eq!(r.next_u64(), 0);
        assert_eq!(r.next_u64(), 1509978240);
        assert_eq!(r.next_u64(), 1215971899390074240);
    }

    #[test]
    fn jump_commutes_with_a_draw() {
        // The jump is a linear map of the state that is a power of the step: drawing then
        // jumping equals jumping then drawing, and the jumped stream is another one.
        let (mut a, mut b) = (Rng::new(5), Rng::new(5));
        a.next_u64();
        a.jump();
        b.jump();
        let first = b.next_u64();
        assert_eq!(a.s, b.s);
        assert_ne!(first, Rng::new(5).next_u64());
    }

    #[test]
    fn allocation_sums_to_the_total_with_two_per_stratum() {
        let s = strata(country("PER").unwrap());
        let a = allocate(&s, 433);
        assert_eq!(a.iter().sum::<usize>(), 433);
        assert!(a.iter().all(|n| *n >= 2));
        let pop: f64 = s.iter().map(|s| s.population).sum();
        assert!((pop - 31_897_584.0).abs() < 10.0);
    }
}
