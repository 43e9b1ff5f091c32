#!/usr/bin/env python3
"""Reference oracle: BFCL v4's single-turn eval runner for one entry per input line.

Input (stdin, JSON Lines): {"id", "category", "functions", "possible_answer",
"model_output", "mode": "prompt"|"json"|"hermes"|"openai"}
Output (stdout, JSON Lines): {"id", "valid", "error_type"}   (error_type null when valid)

Everything BFCL-specific is in ./bfcl_eval (verbatim copies of BFCL's code, see README.md).
This file only reproduces the glue of eval_runner.py (relevance_file_runner / ast_file_runner)
for a single entry, plus the harness convention for openai-mode inputs.
"""
import contextlib
import io
import json
import os
import sys
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


from bfcl_eval.constants.enums import Language, ReturnFormat  # noqa: E402
from bfcl_eval.eval_checker.ast_eval.ast_checker import ast_checker  # noqa: E402
from bfcl_eval.model_handler.api_inference.openai_completion_min import (  # noqa: E402
    openai_fc_decode_ast,
)
from bfcl_eval.model_handler.local_inference.qwen_fc_min import QwenFCHandler  # noqa: E402
from bfcl_eval.model_handler.utils_min import default_decode_ast_prompting  # noqa: E402
from bfcl_eval.utils_min import is_empty_output, is_function_calling_format_output  # noqa: E402

V3_TO_V4 = {"simple": "simple_python", "java": "simple_java", "javascript": "simple_javascript"}

_QWEN = QwenFCHandler()


class Skip(Exception):
    pass


def category_language(category):
    # bfcl_eval/utils.py: is_java = "java" in c and not is_js(c); is_js = "javascript" in c
    if "javascript" in category:
        return Language.JAVASCRIPT
    if "java" in category:
        return Language.JAVA
    return Language.PYTHON


def normalise_openai(model_output):
    """Harness convention -> BFCL's model_responses for an OpenAI FC handler.

    BFCL stores [{name: arguments_json_string}, ...] when the response has tool_calls, else the
    text content (or ""). We accept the OpenAI tool_calls array (or its JSON string); items shaped
    {"function": {"name", "arguments"}} or {"name", "arguments"} become {name: arguments}.
    A string that is not a JSON array is a text answer and is passed as is.
    """
    result = model_output
    if isinstance(model_output, str):
        if model_output.lstrip(" \t\n\r").startswith("["):
            try:
                result = json.loads(model_output)
            except Exception:
                result = model_output  # not JSON: a text answer
        else:
            result = model_output
    if isinstance(result, list):
        out = []
        for item in result:
            if isinstance(item, dict):
                fn = item.get("function")
                if isinstance(fn, dict) and "name" in fn:
                    item = {fn["name"]: fn.get("arguments")}
                elif "name" in item and "arguments" in item and "function" not in item:
                    item = {item["name"]: item["arguments"]}
            out.append(item)
        result = out
    return result


def decode(model_output, mode, language):
    if mode == "prompt":
        if language != Language.PYTHON:
            raise Skip()
        return default_decode_ast_prompting(model_output, ReturnFormat.PYTHON)
    if mode == "json":
        return default_decode_ast_prompting(model_output, ReturnFormat.JSON)
    if mode == "hermes":
        return _QWEN.decode_ast(model_output, ReturnFormat.PYTHON, False)
    if mode == "openai":
        return openai_fc_decode_ast(normalise_openai(model_output))
    raise ValueError(f"unknown mode {mode!r}")


def evaluate(case):
    category = case["category"]
    category = V3_TO_V4.get(category, category)
    mode = case["mode"]
    model_output = case["model_output"]
    language = category_language(category)

    if "relevance" in category:
        # relevance_file_runner
        try:
            decoded = decode(model_output, mode, language)
            contain_func_call = True
            if is_empty_output(decoded):
                contain_func_call = False
        except Skip:
            return {"valid": False, "error_type": "SKIP"}
        except Exception:
            contain_func_call = False
        if "irrelevance" in category:
            success = not contain_func_call
            err = "irrelevance_error:decoder_success"
        else:
            success = contain_func_call
            err = "relevance_error:decoder_failed"
        return {"valid": success, "error_type": None if success else err}

    # ast_file_runner
    try:
        decoded = decode(model_output, mode, language)
    except Skip:
        return {"valid": False, "error_type": "SKIP"}
    except Exception:
        return {"valid": False, "error_type": "ast_decoder:decoder_failed"}
    if not is_function_calling_format_output(decoded):
        return {"valid": False, "error_type": "ast_decoder:decoder_wrong_output_format"}
    try:
        r = ast_checker(
            case["functions"], decoded, case["possible_answer"], language, category, "any-model"
        )
    except Exception as e:  # BFCL's runner would crash here
        out = {"valid": False, "error_type": f"CRASH:{type(e).__name__}"}
        if os.environ.get("ORACLE_TRACE"):
            out["trace"] = traceback.format_exc()
        return out
    valid = bool(r["valid"])
    return {"valid": valid, "error_type": None if valid else r.get("error_type")}


def main():
    out = sys.stdout
    sink = io.StringIO()
    for lineno, line in enumerate(sys.stdin, 1):
        if not line.strip():
            continue
        case = json.loads(line)
        # BFCL's js converter print()s on some inputs; keep stdout clean.
        with contextlib.redirect_stdout(sink):
            res = evaluate(case)
        sink.seek(0)
        sink.truncate()
        rec = {"id": case.get("id"), "valid": res["valid"], "error_type": res["error_type"]}
        if "trace" in res:
            rec["trace"] = res["trace"]
        out.write(json.dumps(rec) + "\n")


if __name__ == "__main__":
    main()
