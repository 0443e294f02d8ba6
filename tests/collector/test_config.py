"""The configuration file: defaults, and a clear refusal of anything wrong."""

import pytest

from collector.cli import EXIT_CONFIG, main
from collector.config import DEFAULT_TOKEN_ENV, ConfigError, load_config, parse_config
from collector.sources import build_source
from collector.sources.simulate import SimulatedSite

ENV = {DEFAULT_TOKEN_ENV: "secret"}


def document(**overrides):
    doc = {
        "server_url": "https://ha.example.com/",
        "site": "hq",
        "spool_dir": "spool",
        "source": {"type": "simulate"},
    }
    doc.update(overrides)
    return {key: value for key, value in doc.items() if value is not None}


def test_a_minimal_config_gets_defaults_and_paths_relative_to_the_file(tmp_path):
    config = parse_config(document(), base_dir=tmp_path, environ=ENV)

    assert config.endpoint == "https://ha.example.com/api/v1/observations/"
    assert config.token == "secret"
    assert config.spool_dir == tmp_path / "spool"
    assert config.interval_seconds == 30
    assert config.batch_size == 5000
    assert isinstance(build_source(config), SimulatedSite)


def test_the_token_comes_from_the_variable_named_by_token_env(tmp_path):
    config = parse_config(
        document(token_env="SITE_TOKEN"), base_dir=tmp_path, environ={"SITE_TOKEN": "abc "}
    )
    assert config.token == "abc"


def test_without_the_variable_the_token_is_read_from_token_file(tmp_path):
    (tmp_path / "token").write_text("from-file\n")
    doc = document(token_file="token")

    assert parse_config(doc, base_dir=tmp_path, environ={}).token == "from-file"
    assert parse_config(doc, base_dir=tmp_path, environ=ENV).token == "secret"
    with pytest.raises(ConfigError, match="cannot read token_file"):
        parse_config(document(token_file="missing"), base_dir=tmp_path, environ={})
    (tmp_path / "token").write_text("  \n")
    with pytest.raises(ConfigError, match=r"or put it in token_file \(token\)"):
        parse_config(doc, base_dir=tmp_path, environ={})


@pytest.mark.parametrize(
    ("overrides", "environ", "message"),
    [
        ({"server_url": None}, ENV, "server_url is required"),
        ({"site": None}, ENV, "site is required"),
        ({"source": None}, ENV, "source is required"),
        ({"server_url": "ftp://x"}, ENV, "http:// or https:// URL"),
        ({"site": 7}, ENV, "site must be a non-empty string"),
        ({"interval_seconds": "30"}, ENV, "interval_seconds must be a number"),
        ({"interval_seconds": 0}, ENV, "interval_seconds must be greater than 0"),
        ({"interval_seconds": True}, ENV, "interval_seconds must be a number"),
        ({"batch_size": 6000}, ENV, "batch_size must be at least 1 and at most 5000"),
        ({"retry_initial_seconds": 10, "retry_max_seconds": 5}, ENV, "retry_max_seconds"),
        ({"source": {"type": "milestone"}}, ENV, "unknown source.type 'milestone'"),
        ({"source": "simulate"}, ENV, "source must be a table"),
        ({"intervall_seconds": 5}, ENV, "unknown setting(s): intervall_seconds"),
        ({}, {}, "set the environment variable VIAKOO_HA_TOKEN"),
    ],
)
def test_a_bad_config_is_refused_with_a_message_naming_the_key(
    tmp_path, overrides, environ, message
):
    with pytest.raises(ConfigError) as error:
        parse_config(document(**overrides), base_dir=tmp_path, environ=environ)
    assert message in str(error.value)


def test_unknown_source_options_are_refused(tmp_path):
    config = parse_config(
        document(source={"type": "simulate", "sped": 2}), base_dir=tmp_path, environ=ENV
    )
    with pytest.raises(ConfigError, match=r"unknown setting\(s\): source.sped"):
        build_source(config)


def test_missing_and_invalid_files_are_config_errors(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(tmp_path / "nope.toml", environ=ENV)
    broken = tmp_path / "broken.toml"
    broken.write_text("server_url = \n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(broken, environ=ENV)


def test_the_command_exits_2_with_a_clear_message_on_a_bad_config(tmp_path, caplog, token_env):
    path = tmp_path / "collector.toml"
    path.write_text('server_url = "http://127.0.0.1:9"\nsite = "hq"\nspool_dir = "s"\n')

    assert main(["--config", str(path), "--once"]) == EXIT_CONFIG
    assert "configuration error" in caplog.text
    assert "source is required" in caplog.text
    assert not (tmp_path / "s").exists()


def test_the_command_needs_a_config_file(caplog, monkeypatch):
    monkeypatch.delenv("VIAKOO_HA_COLLECTOR_CONFIG", raising=False)
    assert main([]) == EXIT_CONFIG
    assert "pass --config" in caplog.text
