namespace Fluxion.Printing

open System
open System.Text

/// PyTorch 1.13's `repr(optimizer)`: one block per parameter group, keys sorted, `params` left out.
module OptimizerFormat =

    /// `Name (\nParameter Group i\n    key: value\n...)`; values are already rendered as Python's `str`.
    let optimizerRepr (name: string) (groups: (string * string) list list) : string =
        let sb = StringBuilder(name).Append(" (")
        groups |> List.iteri (fun i g ->
            sb.Append('\n').Append("Parameter Group ").Append(i).Append('\n') |> ignore
            // Python sorts str keys by code point, i.e. ordinal order.
            for k, v in g |> List.sortWith (fun (a, _) (b, _) -> String.CompareOrdinal(a, b)) do
                if k <> "params" then sb.Append("    ").Append(k).Append(": ").Append(v).Append('\n') |> ignore)
        sb.Append(')').ToString()

    /// Python `str` of a float tuple such as Adam's betas: `(0.9, 0.999)`.
    let floatTuple (values: float list) : string =
        match values with
        | [ one ] -> "(" + PyFormat.floatRepr one + ",)"
        | _ -> "(" + String.Join(", ", values |> List.map PyFormat.floatRepr) + ")"

    /// Python `str` of a bool: `True`/`False`.
    let pyBool (b: bool) : string = if b then "True" else "False"
