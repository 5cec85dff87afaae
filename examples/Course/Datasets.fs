namespace Fluxion.Course

open Fluxion

/// <summary>The course unit's data sets as tensors, for the C# unit program.</summary>
[<AbstractClass; Sealed>]
type Datasets private () =
    /// <summary>The 100 training pairs of the unit (reseeds the global generator with 0, as the course's library does).</summary>
    static member TrainingPairs() : struct (Tensor * Tensor) =
        let x, y = UnitData.trainingPairs ()
        struct (Tensor.ofArray [| x.Length |] x, Tensor.ofArray [| y.Length |] y)

    /// <summary>The Himmelblau function (u² + v − 11)² + (u + v² − 7)² on tensors (differentiable).</summary>
    static member Himmelblau(u: Tensor, v: Tensor) : Tensor =
        Tensor.Pow(Tensor.Pow(u, 2.0) + v - 11.0, 2.0) + Tensor.Pow(u + Tensor.Pow(v, 2.0) - 7.0, 2.0)
