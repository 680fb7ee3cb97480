from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from xpert_pytest.data.locate import packaged_dataset
from tests.factory import XPERT_TAXONOMY
from xpert_pytest.plugin.settings import SettingsError, build_settings, check_domain_gates, parse_assignments, same_model


def _build(**options: Any):
    return build_settings(lambda name: options.get(name), Path("/repo"), Path("/repo"))


def test_defaults() -> None:
    settings = _build(model="xpert/anchor")
    assert (settings.judges, settings.pass_score, settings.replay) == (["xpert/expert"], 0.5, True)
    assert settings.dataset == str(packaged_dataset())  # no benchmark/ folder at or above /repo
    assert settings.cache == Path("/repo/.xpert_cache/calls.sqlite")
    assert _build(model="xpert/anchor", no_cache=True).cache is None


def test_provider_arguments_are_decoded() -> None:
    assert parse_assignments(["api_base=http://h:1/v1", "max_tokens=4096", "extra_headers={\"X\": \"1\"}"], "--x") == {
        "api_base": "http://h:1/v1", "max_tokens": 4096, "extra_headers": {"X": "1"},
    }
    with pytest.raises(SettingsError, match="--x: expected KEY=VALUE, got 'nonsense'"):
        parse_assignments(["nonsense"], "--x")


def test_judge_is_required_for_real_models() -> None:
    with pytest.raises(SettingsError, match="--xpert-judge is required"):
        _build(model="openai/gpt-5")


def test_self_judging_is_refused_unless_allowed() -> None:
    assert same_model("openai/gpt-5", "azure/GPT-5")
    with pytest.raises(SettingsError, match="must not grade itself"):
        _build(model="openai/gpt-5", judge=["azure/gpt-5"])
    assert _build(model="openai/gpt-5", judge=["azure/gpt-5"], allow_self_judge=True).allow_self_judge


@pytest.mark.parametrize(("gates", "message"), [(["law=1.5"], "not in 0..1"), (["law=high"], "is not a number")])
def test_domain_gates_are_checked(gates: list[str], message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        _build(model="xpert/anchor", fail_under_domain=gates)


def test_gated_domains_are_the_loaded_datasets_own() -> None:
    check_domain_gates({"law": 0.5}, XPERT_TAXONOMY, "packaged")
    with pytest.raises(SettingsError, match="unknown domain 'astrology'; the domains of packaged are education, engineering,"):
        check_domain_gates({"astrology": 0.5}, XPERT_TAXONOMY, "packaged")


def test_ranges() -> None:
    with pytest.raises(SettingsError, match=r"--xpert-pass-score='1.5': Input should be less than or equal to 1"):
        _build(model="xpert/anchor", pass_score="1.5")
    assert _build(model="xpert/anchor", fail_under="0.6", fail_under_domain=["law=0.7"]).fail_under_domain == {"law": 0.7}


def test_judge_ensembles_and_self_preference() -> None:
    from xpert_pytest.plugin.settings import family, self_preference

    settings = _build(model="openai/gpt-5", judge=["anthropic/claude-opus-4", "gemini/gemini-2.5-pro", "openai/gpt-4.1"])
    assert settings.judge == "anthropic/claude-opus-4 + gemini/gemini-2.5-pro + openai/gpt-4.1"
    assert [family(j) for j in settings.judges] == ["anthropic", "google", "openai"]
    assert self_preference(settings.model, settings.judges).startswith("judge openai/gpt-4.1 and the model under test")
    assert self_preference("openai/gpt-5", ["anthropic/claude-opus-4"]) is None
    assert self_preference("openai/stub-model", ["openai/stub-judge"]) is None  # unknown families: no claim
    with pytest.raises(SettingsError, match="cannot be part of a judge ensemble"):
        _build(model="xpert/anchor", judge=["xpert/expert", "openai/gpt-5"])


def test_prices_take_optional_cache_rates() -> None:
    from xpert_pytest.calls.pricing import Price

    prices = _build(model="openai/m", judge=["openai/j"], price=["openai/m=2,8", "openai/j=3,15,0.3,3.75"]).prices
    assert prices == {"openai/m": Price(2.0, 8.0), "openai/j": Price(3.0, 15.0, cached_input=0.3, cache_write=3.75)}


REAL = {"model": "openai/m", "judge": ["openai/j"]}


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"model_arg": ["max_retries=-1"]}, "--xpert-model-arg max_retries=-1: expected a whole number 0..20"),
        ({"model_arg": ["max_retries=abc"]}, "--xpert-model-arg max_retries='abc': expected a whole number 0..20"),
        ({"judge_arg": ["timeout=abc"]}, "--xpert-judge-arg timeout='abc': expected a number of seconds above 0"),
        ({"model_arg": ["stream=true"]}, "--xpert-model-arg stream=True: answers are read whole; streaming is not supported"),
        ({"judge": ["openai/j", ""]}, "--xpert-judge: a judge model name is empty"),
        ({"price": ["openai/m=nan,1"]}, "--xpert-price"),
        ({"price": ["openai/m=-1,1"]}, "--xpert-price"),
        ({"price": ["openai/m=1,2,3,4,5"]}, "--xpert-price: expected MODEL=INPUT_USD,OUTPUT_USD[,CACHED_INPUT_USD[,CACHE_WRITE_USD]]"),
        ({"price": ["openai/m=1,2,-0.1"]}, "--xpert-price"),
        ({"fail_under_domain": ["law=0.5", "law=0.7"]}, "--xpert-fail-under-domain: law given more than once; give each domain one threshold"),
        ({"bootstrap": "10000000"}, "--xpert-bootstrap='10000000': Input should be less than or equal to 100000"),
        ({"epochs": "1000"}, "--xpert-epochs='1000': Input should be less than or equal to 100"),
        ({"call_deadline": "0"}, "--xpert-call-deadline='0'"),
    ],
)
def test_option_gaps_are_usage_errors_naming_the_option(options: dict[str, Any], message: str) -> None:
    with pytest.raises(SettingsError) as excinfo:
        _build(**{**REAL, **options})
    text = str(excinfo.value)
    assert message in text
    assert "pydantic" not in text and "Settings(" not in text and "errors.pydantic.dev" not in text


def test_run_folder_names_are_capped_and_distinguishable() -> None:
    from xpert_pytest.plugin.settings import SLUG_LENGTH, slug

    long = slug("openai/" + "very-long-model-name-" * 20)
    assert len(long) <= SLUG_LENGTH and long.startswith("openai-very-long-model-name")
    assert slug("openai/" + "very-long-model-name-" * 20 + "x") != long
    assert slug("openai/模型") != slug("openai/模板") and slug("模型")
    assert slug("openai/gpt-4.1") == "openai-gpt-4.1"


def test_shard_option() -> None:
    from xpert_pytest.data.shards import ShardSpec

    assert _build(model="xpert/anchor", shard="2/4").shard == ShardSpec(2, 4)
    assert _build(model="xpert/anchor").shard is None
    with pytest.raises(SettingsError, match=r"^--xpert-shard='5/4': shard 5 is out of range 1\.\.4$"):
        _build(model="xpert/anchor", shard="5/4")


def test_batch_options_that_do_not_fit_are_refused_by_name() -> None:
    real = {"model": "openai/gpt-5", "judge": ["openai/judge"]}
    assert _build(**real, batch_wait=True).batch  # waiting implies batch mode
    with pytest.raises(SettingsError, match=r"--xpert-batch-size, --xpert-batch-run: only for batch mode; add --xpert-batch"):
        _build(**real, batch_size="100", batch_run="reports/x")
    with pytest.raises(SettingsError, match="--xpert-max-cost cannot be kept in batch mode"):
        _build(**real, batch=True, max_cost="5")
    with pytest.raises(SettingsError, match="--xpert-batch: xpert/anchor graded by xpert/expert calls no provider"):
        _build(model="xpert/anchor", batch=True)
    with pytest.raises(SettingsError, match=r"--xpert-batch-size='0': Input should be greater than or equal to 1"):
        _build(**real, batch=True, batch_size="0")
    with pytest.raises(SettingsError, match="--xpert-batch-price: expected MODEL=INPUT_USD,OUTPUT_USD"):
        _build(**real, batch=True, batch_price=["openai/gpt-5=1"])
    assert _build(**real, batch=True, batch_price=["openai/gpt-5=1.25,5"]).batch_prices["openai/gpt-5"][:2] == (1.25, 5.0)
