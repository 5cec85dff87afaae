/// The course's event-detection evaluation (libpcpt unit09's eval_PRF and mean_PRF), same values and tie rules.
module Fluxion.Compat.Evaluation

open System

/// Precision, recall, F-measure and the separation conditions of one evaluation.
[<Struct>]
type PrfScore =
    { /// TP / (TP + FP), or 0 without predictions.
      Precision: float
      /// TP / (TP + FN), or 0 without references.
      Recall: float
      /// 2 P R / (P + R), or 0 when both are 0.
      FMeasure: float
      /// Reference events are more than 2 * tolerance apart (true for fewer than two).
      CondRef: bool
      /// Predicted events are more than 2 * tolerance apart (true for fewer than two).
      CondPred: bool }

let private separated (b: int64[]) (tolerance: int) =
    b.Length <= 1 || Seq.forall (fun i -> b[i + 1] - b[i] > 2L * int64 tolerance) (seq { 0 .. b.Length - 2 })

/// eval_PRF(B_ref, B_pred, tolerance): greedy one-to-one matching of sorted predictions to the nearest unmatched
/// reference within the tolerance (the first of equally near references).
let evalPRF (reference: int64[]) (predicted: int64[]) (tolerance: int) : PrfScore =
    if isNull reference then nullArg "reference"
    if isNull predicted then nullArg "predicted"
    let bRef = Array.sort reference
    let bPred = Array.sort predicted
    let matchedRef = Array.zeroCreate bRef.Length
    let mutable tp = 0
    for p in bPred do
        let mutable best = -1
        let mutable bestDiff = Int64.MaxValue
        for j in 0 .. bRef.Length - 1 do
            let d = abs (bRef[j] - p)
            if d <= int64 tolerance && not matchedRef[j] && d < bestDiff then
                best <- j
                bestDiff <- d
        if best >= 0 then
            matchedRef[best] <- true
            tp <- tp + 1
    let fp = bPred.Length - tp
    let fn = matchedRef |> Array.filter not |> Array.length
    let p = if tp + fp > 0 then float tp / float (tp + fp) else 0.0
    let r = if tp + fn > 0 then float tp / float (tp + fn) else 0.0
    let f = if p + r > 0.0 then 2.0 * p * r / (p + r) else 0.0
    { Precision = p
      Recall = r
      FMeasure = f
      CondRef = separated bRef tolerance
      CondPred = separated bPred tolerance }

/// mean_PRF: NumPy means of P, R and F over the scores and the AND of both conditions (0 and true when empty).
let meanPRF (scores: PrfScore[]) : PrfScore =
    if isNull scores then nullArg "scores"
    if scores.Length = 0 then
        { Precision = 0.0; Recall = 0.0; FMeasure = 0.0; CondRef = true; CondPred = true }
    else
        { Precision = NumPy.mean (scores |> Array.map (fun s -> s.Precision))
          Recall = NumPy.mean (scores |> Array.map (fun s -> s.Recall))
          FMeasure = NumPy.mean (scores |> Array.map (fun s -> s.FMeasure))
          CondRef = scores |> Array.forall (fun s -> s.CondRef)
          CondPred = scores |> Array.forall (fun s -> s.CondPred) }
