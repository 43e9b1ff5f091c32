"""verl reward function that forwards to advfc's reward server (`advfc serve reward`).

Standard library only. Configure verl (v0.7.0) with one of:

* Batch reward manager (what advfc needs: the query model's diversity term is computed over the
  whole batch)::

      reward_model.reward_manager=batch
      custom_reward_function.path=$(advfc bridge shim-path)
      custom_reward_function.name=compute_score

  verl calls ``compute_score(data_sources=..., solution_strs=..., ground_truths=...,
  extra_infos=..., **reward_kwargs)`` once per batch and reads a list with one entry per item:
  a float, or a dict with ``"score"`` whose other keys go to ``reward_extra_info``.

* The per-item managers (naive / prime / dapo), e.g. for the FC model's R_F where no batch term
  exists::

      custom_reward_function.name=compute_score_single

  verl calls ``compute_score_single(data_source, solution_str, ground_truth, extra_info)`` per
  item. (``compute_score`` also detects the single-item form, so either name works there; the
  batch form of the diversity term needs the batch manager.)

Environment:

* ``ADVFC_REWARD_URL``      server URL (default ``http://127.0.0.1:8765``)
* ``ADVFC_REWARD_TOKEN``    bearer token (required by servers bound off-loopback)
* ``ADVFC_REWARD_TIMEOUT``  seconds per HTTP attempt (default 600)
* ``ADVFC_REWARD_RETRIES``  attempts on connection errors, 5xx and 503 (default 8)
* ``ADVFC_REWARD_BACKOFF``  first backoff in seconds, doubled per attempt, capped at 30 (default 0.5)
* ``ADVFC_REWARD_EXTRA``    which result keys verl gets: ``numeric`` (default: numbers and
  booleans only, which verl's validation metrics can average), ``all``, or ``none`` (floats only)
"""

import json
import os
import time
import urllib.error
import urllib.request

DEFAULT_URL = "http://127.0.0.1:8765"

__all__ = ["compute_score", "compute_score_batch", "compute_score_single", "RewardServerError"]


class RewardServerError(RuntimeError):
    """The reward server answered with an error, or could not be reached."""


def _plain(value):
    """numpy arrays / scalars (and anything with .tolist()/.item()) -> JSON-serialisable values."""
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    tolist = getattr(value, "tolist", None)
    if callable(tolist):
        return _plain(tolist())
    item = getattr(value, "item", None)
    if callable(item):
        return _plain(item())
    return str(value)


def _settings():
    return {
        "url": os.environ.get("ADVFC_REWARD_URL", DEFAULT_URL).rstrip("/"),
        "token": os.environ.get("ADVFC_REWARD_TOKEN", ""),
        "timeout": float(os.environ.get("ADVFC_REWARD_TIMEOUT", "600")),
        "retries": max(1, int(os.environ.get("ADVFC_REWARD_RETRIES", "8"))),
        "backoff": float(os.environ.get("ADVFC_REWARD_BACKOFF", "0.5")),
        "extra": os.environ.get("ADVFC_REWARD_EXTRA", "numeric"),
    }


def _post(path, payload, s):
    body = json.dumps(payload).encode("utf-8")
    headers = {"content-type": "application/json"}
    if s["token"]:
        headers["authorization"] = "Bearer " + s["token"]
    url = s["url"] + path
    last = None
    for attempt in range(s["retries"]):
        if attempt > 0:
            time.sleep(min(30.0, s["backoff"] * (2 ** (attempt - 1))))
        req = urllib.request.Request(url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(req, timeout=s["timeout"]) as res:
                return json.loads(res.read().decode("utf-8"))
        except urllib.error.HTTPError as e:
            detail = e.read().decode("utf-8", "replace")
            if e.code >= 500:
                retry_after = e.headers.get("retry-after") if e.headers else None
                if retry_after:
                    try:
                        time.sleep(min(30.0, float(retry_after)))
                    except ValueError:
                        pass
                last = "HTTP %d: %s" % (e.code, detail)
                continue
            # 4xx: the request itself is wrong; retrying cannot help.
            raise RewardServerError("advfc reward server at %s rejected the batch (HTTP %d): %s" % (url, e.code, detail)) from None
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError) as e:
            last = str(getattr(e, "reason", e))
    raise RewardServerError(
        "advfc reward server unreachable at %s after %d attempts (last error: %s): start it with "
        "`advfc serve reward --role query|fc --config FILE` and point ADVFC_REWARD_URL at it" % (s["url"], s["retries"], last)
    )


def _shape(result, extra):
    if extra == "none":
        return float(result["score"])
    if extra == "numeric":
        return {k: v for k, v in result.items() if isinstance(v, (int, float))}
    return result


def compute_score_batch(data_sources, solution_strs, ground_truths, extra_infos=None, **kwargs):
    """verl's batch form: one list entry (dict with "score", or float) per item."""
    s = _settings()
    solution_strs = _plain(solution_strs)
    n = len(solution_strs)
    payload = {
        "data_sources": _plain(data_sources),
        "solution_strs": solution_strs,
        "ground_truths": _plain(ground_truths),
        "extra_infos": _plain(extra_infos) if extra_infos is not None else [None] * n,
    }
    answer = _post("/score", payload, s)
    results = answer.get("results") if isinstance(answer, dict) else None
    if not isinstance(results, list) or len(results) != n:
        raise RewardServerError("advfc reward server returned %r for %d items" % (answer, n))
    return [_shape(r, s["extra"]) for r in results]


def compute_score_single(data_source, solution_str, ground_truth, extra_info=None, **kwargs):
    """verl's per-item form (naive / prime / dapo reward managers)."""
    return compute_score_batch([data_source], [solution_str], [ground_truth], [extra_info], **kwargs)[0]


def compute_score(*args, **kwargs):
    """Both forms: the batch one when called with ``solution_strs`` (verl's batch manager), else
    the single-item one."""
    if "solution_strs" in kwargs:
        return compute_score_batch(*args, **kwargs)
    if "solution_str" in kwargs or not args:
        return compute_score_single(*args, **kwargs)
    first = args[0]
    if not isinstance(first, str) and (isinstance(first, (list, tuple)) or hasattr(first, "tolist")):
        return compute_score_batch(*args, **kwargs)
    return compute_score_single(*args, **kwargs)
