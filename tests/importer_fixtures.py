"""Writers of one small file per supported weather export, in its documented layout and with its traps.

Each writer takes a directory (pytest's ``tmp_path``) and returns the path it wrote. The layouts
follow ``shared/FORMATS.md``; the values are made up but plausible, and the tests check them.
"""

from __future__ import annotations

from pathlib import Path

BOM = "\ufeff"


def _write(folder: Path, name: str, text: str, encoding: str = "utf-8", newline: str = "\n") -> Path:
    path = Path(folder) / name
    path.write_bytes(text.replace("\n", newline).encode(encoding))
    return path


def _quoted(*fields) -> str:
    return ",".join(f'"{f}"' for f in fields)


def noaa_cdo(folder: Path) -> Path:
    """CDO Daily Summaries, 'Standard' units (°F, inches): every field quoted, commas in NAME,
    *_ATTRIBUTES columns, two stations one after the other, a QC failure, a trace and a gap."""
    header = _quoted("STATION", "NAME", "LATITUDE", "LONGITUDE", "ELEVATION", "DATE", "PRCP",
                     "PRCP_ATTRIBUTES", "SNOW", "SNWD", "TMAX", "TMAX_ATTRIBUTES", "TMIN", "TMIN_ATTRIBUTES",
                     "TOBS")
    rows = [header]
    for day, (tmax, tmin) in enumerate([(118, 87), (121, 90), (117, 85)], start=1):
        rows.append(_quoted("USC00042319", "DEATH VALLEY, CA US", "36.4622", "-116.8669", "-59.1",
                            f"2020-07-0{day}", "0.00", ",,7,1700", "0.0", "0", tmax, ",,7,1700", tmin,
                            ",,7,1700", "95"))
    oakland = [  # day, prcp, prcp attributes, tmax, tmax attributes, tmin
        (1, "0.00", ",,W,2400", "60", ",,W,2400", "45"),
        (2, "0.12", ",,W,2400", "58", ",,W,2400", "47"),
        (3, "0.00", "T,,W,2400", "61", ",,W,2400", "46"),  # trace
        (5, "", "", "63", ",I,W,2400", "44"),  # day 4 absent; TMAX failed QC (QFLAG I); PRCP empty
        (6, "0.40", ",,W,2400", "59", ",,W,2400", ""),
    ]
    for day, prcp, pattr, tmax, tattr, tmin in oakland:
        rows.append(_quoted("USW00023230", "OAKLAND INTERNATIONAL AIRPORT, CA US", "37.7213", "-122.2208",
                            "1.8", f"2020-07-0{day}", prcp, pattr, "0.0", "0", tmax, tattr, tmin,
                            ",,W,2400" if tmin else "", ""))
    return _write(folder, "noaa_cdo.csv", "\n".join(rows) + "\n")


def noaa_excel(folder: Path) -> Path:
    """The same export re-saved by Excel: quotes gone (kept only around commas), US month-first
    dates, CRLF line ends, metric units (°C, mm)."""
    text = """STATION,NAME,DATE,PRCP,SNOW,TMAX,TMIN
USW00023230,"OAKLAND INTERNATIONAL AIRPORT, CA US",4/11/2010,0.5,0,17.2,8.3
USW00023230,"OAKLAND INTERNATIONAL AIRPORT, CA US",4/12/2010,12.7,0,15.6,9.4
USW00023230,"OAKLAND INTERNATIONAL AIRPORT, CA US",4/13/2010,0,0,18.9,7.8
USW00023230,"OAKLAND INTERNATIONAL AIRPORT, CA US",4/14/2010,0,0,21.1,8.9
"""
    return _write(folder, "noaa_excel.csv", text, newline="\r\n")


def noaa_legacy(folder: Path) -> Path:
    """Pre-2016 CDO: GHCND: prefixes, YYYYMMDD dates, -9999 missing, repeated flag column names."""
    flags = "Measurement Flag,Quality Flag,Source Flag,Time of Observation"
    header = f"STATION,STATION_NAME,ELEVATION,LATITUDE,LONGITUDE,DATE,PRCP,{flags},TMAX,{flags},TMIN,{flags}"
    station = "GHCND:USW00023230,OAKLAND INTERNATIONAL AIRPORT CA US,1.8,37.7213,-122.2208"
    rows = [
        f"{station},20100101,0.00, , ,W,2400,58, , ,W,2400,41, , ,W,2400",
        f"{station},20100102,0.00,T, ,W,2400,57, , ,W,2400,-9999, , ,W,2400",
        f"{station},20100103,0.31, , ,W,2400,99,,X,W,2400,44, , ,W,2400",
        f"{station},20100104,-9999, , ,W,2400,55, , ,W,2400,43, , ,W,2400",
    ]
    return _write(folder, "noaa_legacy.csv", "\n".join([header, *rows]) + "\n")


def ghcn_by_station(folder: Path) -> Path:
    """NCEI access/<ID>.csv: tenths of °C and mm, numbers space-padded inside quotes, many columns."""
    names = ["STATION", "DATE", "LATITUDE", "LONGITUDE", "ELEVATION", "NAME", "PRCP", "PRCP_ATTRIBUTES",
             "SNOW", "SNOW_ATTRIBUTES", "SNWD", "SNWD_ATTRIBUTES", "TMAX", "TMAX_ATTRIBUTES", "TMIN",
             "TMIN_ATTRIBUTES", "AWND", "AWND_ATTRIBUTES", "WSF2", "WSF2_ATTRIBUTES"]
    rows = [_quoted(*names)]
    for day, prcp, tmax, tmin in [(1, "    0", "  289", "  156"), (2, "   53", "  244", "  -17"),
                                  (3, "    0", "  301", "  150"), (4, "  127", "  198", "   -4")]:
        rows.append(_quoted("CA006158355", f"1999-01-0{day}", "43.6667", "-79.4", "112.5",
                            "TORONTO CITY, ON CA", prcp, ",,C", "    0", ",,C", "    0", ",,C", tmax, ",,C",
                            tmin, ",,C", "", "", "", ""))
    return _write(folder, "CA006158355.csv", "\n".join(rows) + "\n")


def meteostat(folder: Path) -> Path:
    """Meteostat web export: `date,...`, whole columns empty, a missing day."""
    text = """date,tavg,tmin,tmax,prcp,snow,wdir,wspd,wpgt,pres,tsun
2021-01-01,2.1,-0.5,4.2,0.3,,240,11.2,,1012.3,
2021-01-02,1.0,-2.1,3.9,0.0,,250,8.4,,1015.0,
2021-01-04,3.4,0.8,6.0,5.1,,200,15.1,,1003.8,
2021-01-05,,,,,,,,,,
"""
    return _write(folder, "meteostat.csv", text)


def meteostat_library(folder: Path) -> Path:
    """Meteostat Python library export: `time,...`; new bulk style `*_source` columns."""
    text = """time,tavg,tavg_source,tmin,tmin_source,tmax,tmax_source,prcp,prcp_source,wspd,wspd_source
2021-01-01,2.1,dwd_daily,-0.5,dwd_daily,4.2,dwd_daily,0.3,dwd_daily,11.2,dwd_daily
2021-01-02,1.0,dwd_daily,-2.1,dwd_daily,3.9,dwd_daily,0.0,dwd_daily,8.4,dwd_daily
"""
    return _write(folder, "meteostat_library.csv", text)


def meteostat_bulk(folder: Path) -> Path:
    """Old Meteostat bulk file: no header at all, 11 columns."""
    text = """2021-01-01,2.1,-0.5,4.2,0.3,,240,11.2,,1012.3,
2021-01-02,1.0,-2.1,3.9,0.0,,250,8.4,,1015.0,
2021-01-03,1.5,-1.0,4.4,1.2,,230,9.9,,1010.1,
"""
    return _write(folder, "10637.csv", text)


def open_meteo(folder: Path) -> Path:
    """Open-Meteo 'Download CSV': a location preamble, a blank line, then the daily table; NaN gaps."""
    text = """latitude,longitude,elevation,utc_offset_seconds,timezone,timezone_abbreviation
52.52,13.419998,38.0,3600,Europe/Berlin,GMT+1

time,temperature_2m_max (°C),temperature_2m_min (°C),precipitation_sum (mm),rain_sum (mm)
2023-01-01,15.9,8.2,0.3,0.3
2023-01-02,12.4,5.1,2.6,2.6
2023-01-03,NaN,NaN,NaN,NaN
2023-01-04,8.8,-1.3,0.0,0.0
"""
    return _write(folder, "open-meteo-52.52N13.42E38m.csv", text)


def open_meteo_hourly_daily(folder: Path) -> Path:
    """Open-Meteo with an hourly block followed by a daily block, in °F and inches."""
    hourly = "\n".join(f"2023-01-01T{h:02d}:00,{40 + h % 5},0.00" for h in range(24))
    text = f"""latitude,longitude,elevation,utc_offset_seconds,timezone,timezone_abbreviation
40.71,-74.01,51.0,-18000,America/New_York,EST

time,temperature_2m (°F),precipitation (inch)
{hourly}

time,temperature_2m_max (°F),temperature_2m_min (°F),precipitation_sum (inch)
2023-01-01,44.1,37.0,0.000
2023-01-02,52.3,41.9,0.122
"""
    return _write(folder, "open-meteo-hourly-daily.csv", text)


def dwd(folder: Path) -> Path:
    """DWD produkt_klima_tag: `;`, padded names and values, YYYYMMDD, -999, trailing eor column."""
    header = "STATIONS_ID;MESS_DATUM;QN_3;  FX;  FM;QN_4; RSK;RSKF; SDK;SHK_TAG;  NM; VPM;  PM; TMK; UPM; " \
        "TXK; TNK; TGK;eor"
    start = "       1048;{};-999;-999;-999;    5;"
    rows = [  # RSK;RSKF; SDK;SHK_TAG;  NM; VPM;  PM; TMK; UPM; TXK; TNK; TGK;eor
        start.format(19340101) + "   0.0;   8;-999;   0;-999;  4.1;  993.50;  -2.3;  85.00;  -0.4;"
                                 "  -3.6;-999;eor",
        start.format(19340102) + "   2.3;   6;-999;   0;-999;  5.0;  990.10;   0.4;  91.00;   1.9;"
                                 "  -1.2;-999;eor",
        start.format(19340103) + "   0.0;   0;-999;   0;-999;  4.6;  998.00;   1.1;  88.00;-999;"
                                 "  -0.7;-999;eor",
    ]
    text = "\n".join([header, *rows]) + "\n"
    return _write(folder, "produkt_klima_tag_19340101_20231231_01048.txt", text, encoding="latin-1")


_EC_COLUMNS = ["Max Temp (°C)", "Max Temp Flag", "Min Temp (°C)", "Min Temp Flag", "Mean Temp (°C)",
               "Mean Temp Flag", "Heat Deg Days (°C)", "Heat Deg Days Flag", "Cool Deg Days (°C)",
               "Cool Deg Days Flag", "Total Rain (mm)", "Total Rain Flag", "Total Snow (cm)",
               "Total Snow Flag",
               "Total Precip (mm)", "Total Precip Flag", "Snow on Grnd (cm)", "Snow on Grnd Flag",
               "Dir of Max Gust (10s deg)", "Dir of Max Gust Flag", "Spd of Max Gust (km/h)",
               "Spd of Max Gust Flag"]
_EC_ROWS = [  # date, tmax, tmax flag, tmin, precip, precip flag, gust speed
    ("2015-01-01", "-1.5", "", "-7.4", "0.0", "T", "<31"),
    ("2015-01-02", "", "M", "-9.1", "1.2", "", "44"),
    ("2015-01-03", "2.3", "", "-3.0", "", "M", "<31"),
]


def _ec_row(date, tmax, tflag, tmin, precip, pflag, gust) -> list[str]:
    year, month, day = date.split("-")
    blanks = [""] * 11  # Min Temp Flag ... Total Snow Flag
    return [date, year, month, day, "", tmax, tflag, tmin, *blanks, precip, pflag, "", "", "", "", gust, ""]


def env_canada(folder: Path) -> Path:
    """Environment Canada bulk daily (current): UTF-8 BOM, quoted, a Flag beside each value, T and <31."""
    header = ["Longitude (x)", "Latitude (y)", "Station Name", "Climate ID", "Date/Time", "Year", "Month",
              "Day", "Data Quality", *_EC_COLUMNS]
    rows = [_quoted(*header)]
    rows += [_quoted("-75.71", "45.38", "OTTAWA CDA RCS", "6105978", *_ec_row(*r)) for r in _EC_ROWS]
    return _write(folder, "en_climate_daily_ON_6105978_2015_P1D.csv", BOM + "\n".join(rows) + "\n")


def env_canada_old(folder: Path) -> Path:
    """Older Environment Canada file: ~25 lines of station details and legend, Latin-1 encoded."""
    preamble = """"Station Name","OTTAWA CDA RCS"
"Province","ONTARIO"
"Latitude","45.38"
"Longitude","-75.71"
"Elevation","79.20"
"Climate Identifier","6105978"
"WMO Identifier","71063"
"TC Identifier","XOA"
"All times are specified in Local Standard Time (LST). Add 1 hour to information recorded in Daylight \
Saving Time."

"Legend"
"[Empty]","No Data Available"
"M","Missing"
"E","Estimated"
"B","More than one Observation"
"NA","Not Available"
"**","Partner data that is not subject to review by the National Climate Services of Environment and \
Climate Change Canada"
"T","Trace"
"""
    header = ["Date/Time", "Year", "Month", "Day", "Data Quality", *_EC_COLUMNS]
    rows = [_quoted(*header)] + [_quoted(*_ec_row(*r)) for r in _EC_ROWS]
    return _write(folder, "eng-daily-01012015-12312015.csv", preamble + "\n" + "\n".join(rows) + "\n",
                  encoding="latin-1")


def weather_underground(folder: Path) -> Path:
    """Legacy WU export: leading blank line, time-zone first column, unpadded dates, `T`, `<br />`."""
    header = ("CDT,Max TemperatureF,Mean TemperatureF,Min TemperatureF,Max Dew PointF,MeanDew PointF,"
              "Min DewpointF,Max Humidity, Mean Humidity, Min Humidity, Max Sea Level PressureIn, "
              "Mean Sea Level PressureIn, Min Sea Level PressureIn, Max VisibilityMiles, "
              "Mean VisibilityMiles, Min VisibilityMiles, Max Wind SpeedMPH, Mean Wind SpeedMPH, "
              "Max Gust SpeedMPH,PrecipitationIn, CloudCover, Events, WindDirDegrees<br />")
    rows = [
        "2010-9-19,72,64,56,55,52,48,90,72,53,30.01,29.98,29.95,10,10,7,14,6,20,0.00,4,,276<br />",
        "2010-9-20,70,63,55,56,53,50,93,76,58,30.02,29.99,29.96,10,9,4,12,5,17,T,6,Rain,245<br />",
        "2010-9-21,68,62,57,57,55,53,97,84,70,29.99,29.95,29.91,10,7,2,16,8,24,0.21,8,"
        "Rain-Thunderstorm,190<br />",
    ]
    return _write(folder, "wunderground_KCASANFR.csv", "\n" + "\n".join([header, *rows]) + "\n")


def visual_crossing(folder: Path) -> Path:
    """Visual Crossing (metric): free text quoted when it has commas, sunrise times, rows out of order."""
    header = ("name,datetime,tempmax,tempmin,temp,feelslikemax,feelslikemin,feelslike,dew,humidity,precip,"
              "precipprob,precipcover,preciptype,snow,snowdepth,windgust,windspeed,winddir,sealevelpressure,"
              "cloudcover,visibility,solarradiation,solarenergy,uvindex,severerisk,sunrise,sunset,moonphase,"
              "conditions,description,icon,stations")
    rows = []
    for date, tmax, tmin, precip in [("2022-03-02", 16.1, 7.9, 0.0), ("2022-03-01", 15.2, 8.4, 3.6),
                                     ("2022-03-03", 18.3, 9.0, 0.0), ("2022-03-04", 14.0, 10.2, 7.1)]:
        rows.append(f'"Oakland, CA, United States",{date},{tmax},{tmin},12.1,{tmax},{tmin - 1},11.5,7.2,80.1,'
                    f'{precip},100,8.33,"rain,snow",0,0,31.2,20.5,250.3,1015.2,88.1,14.9,120.3,10.4,5,10,'
                    f'{date}T06:34:12,{date}T18:05:10,0.95,"Rain, Partially cloudy",'
                    '"Cloudy skies throughout the day with rain, clearing later.",rain,'
                    '"72493023230,KOAK,KSFO"')
    return _write(folder, "Oakland 2022-03-01 to 2022-03-04.csv", "\n".join([header, *rows]) + "\n")


def european(folder: Path) -> Path:
    """A European spreadsheet export: `;`, dd.mm.yyyy, decimal comma, Windows-1252, an empty cell."""
    text = """Datum;Tmax (°C);Tmin (°C);Niederschlag (mm)
11.01.2020;6,1;-2,5;0,0
12.01.2020;4,3;-4,0;1,7
13.01.2020;7,9;;12,4
14.01.2020;5,0;0,2;0,3
"""
    return _write(folder, "wetter.csv", text, encoding="cp1252", newline="\r\n")


def tutorial(folder: Path) -> Path:
    """The tutorial's clean_weather.csv layout: unnamed date column, the target already a column, gaps."""
    text = """,tmax,tmin,rain,tmax_tomorrow
1970-01-01,60.0,35.0,0.0,52.0
1970-01-02,52.0,39.0,0.0,52.0
1970-01-03,52.0,35.0,0.0,53.0
1970-01-05,53.0,,0.01,55.0
1970-01-06,55.0,38.0,,57.0
"""
    return _write(folder, "clean_weather.csv", text)


def tidy(folder: Path) -> Path:
    """The bundled tidy layout: date,tmax,tmin,rain,wind."""
    text = """date,tmax,tmin,rain,wind
2012-01-01,12.8,5.0,0.0,4.7
2012-01-02,10.6,2.8,10.9,4.5
2012-01-03,11.7,7.2,0.8,2.3
"""
    return _write(folder, "seattle-weather.csv", text)


FIXTURES = {f.__name__: f for f in (
    noaa_cdo, noaa_excel, noaa_legacy, ghcn_by_station, meteostat, meteostat_library, meteostat_bulk,
    open_meteo, open_meteo_hourly_daily, dwd, env_canada, env_canada_old, weather_underground,
    visual_crossing, european, tutorial, tidy)}


_PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
# Files that must be refused: {case: (bytes, a word the error message must contain)}.
BAD_INPUTS = {
    "empty": (b"", "empty"),
    "blank": (b"\n \n\t\n", "blank"),
    "header_only": (b"date,tmax,tmin,rain\n", "no data rows"),
    "header_only_quoted": (b'"STATION","NAME","DATE","PRCP","TMAX","TMIN"\r\n\r\n', "no data rows"),
    "png_renamed": (_PNG, "PNG"),
    "zip_renamed": (b"PK\x03\x04" + b"\x00" * 100, "ZIP"),
    "nul_bytes": (b"date,tmax\n2020-01-01,5\x00\x00\x00\n", "NUL"),
    "undecodable": (b"date,tmax\n" + b"\x81\x8d\x8f\x90\x9d\x01\x02\x03," * 50 + b"\n", "decode"),
    "no_date_column": (b"station,tmax,tmin\nA,10,5\nA,11,6\n", "no date column"),
    "no_numeric_column": (b"date,wind,comment\n2020-01-01,5,ok\n2020-01-02,6,ok\n",
                          "no tmax, tmin or rain"),
    "single_row": (b"date,tmax,tmin,rain\n2020-01-01,10,5,0\n", "only one"),
    "inf": (b"date,tmax,tmin,rain\n2020-01-01,10,5,0\n2020-01-02,inf,5,0\n", "infinite"),
    "overflow": (b"date,tmax,tmin,rain\n2020-01-01,10,5,0\n2020-01-02,1e309,5,0\n", "infinite"),
    "duplicate_dates": (b"date,tmax,tmin\n2020-01-01,10,5\n2020-01-02,11,5\n2020-01-02,12,6\n",
                        "2020-01-02"),
    # .dly files are read (tests/test_services.py); one holding no TMAX, TMIN or PRCP is refused
    "dly": (b"USW00023230194801SNOW    0  0    5  0   12  0    0  0    0  0    0  0\n", ".dly"),
    "met_office": (b"Oxford\nLocation: 450900E 207200N, Lat 51.761 Lon -1.262, 63 metres amsl\n"
                   b"Estimated data is marked with a * after the value.\n"
                   b"   yyyy  mm   tmax    tmin      af    rain     sun\n"
                   b"              degC    degC    days      mm   hours\n"
                   b"   1853   1    8.4     2.7       4    62.8     ---\n", "monthly"),
    "monthly_columns": (b"year,month,tmax,tmin\n2020,1,8.1,2.0\n2020,2,9.3,2.5\n", "monthly"),
    "monthly_dates": (b"date,tmax,tmin\n2020-01-01,8.1,2.0\n2020-02-01,9.3,2.5\n2020-03-01,12.0,4.1\n",
                      "monthly"),
    "hourly": (b"time,temperature_2m (\xc2\xb0C),precipitation (mm)\n2023-01-01T00:00,1.0,0\n"
               b"2023-01-01T01:00,1.2,0\n2023-01-01T02:00,1.1,0\n", "hourly"),
    "no_header": (b"2020-01-01,10,5\n2020-01-02,11,6\n", "no header"),
    "not_a_number": (b"date,tmax,tmin\n2020-01-01,5,1\n2020-01-02,warm,2\n2020-01-03,7,3\n", "'warm'"),
    "all_missing": (b"date,tmax,tmin\n2020-01-01,,M\n2020-01-02,-9999,\n", "no numbers"),
    "not_a_table": (b"just some words\nand more words\n", "no table"),
}


def bad_inputs(folder: Path) -> dict[str, tuple[Path, str]]:
    """Write every ``BAD_INPUTS`` case: {case: (path, a word the error message must contain)}."""
    out = {}
    for case, (data, word) in BAD_INPUTS.items():
        path = Path(folder) / ("USW00023230.dly" if case == "dly" else f"{case}.csv")
        path.write_bytes(data)
        out[case] = (path, word)
    return out
