namespace Fluxion.IO

open System
open System.Collections
open System.Collections.Generic
open System.IO
open Fluxion

/// Saving and loading checkpoints; the format follows the file extension: `.safetensors` for safetensors,
/// anything else (`.pt`, `.pth`, ...) for PyTorch's torch.save format.
module Checkpoint =
    let private isSafetensors (path: string) =
        String.Equals(Path.GetExtension path, ".safetensors", StringComparison.OrdinalIgnoreCase)

    /// The value as a state dict: a StateDict, or a string-keyed dictionary whose values are all tensors.
    let toStateDict (path: string) (value: obj) : StateDict =
        match value with
        | :? StateDict as sd -> sd
        | :? IReadOnlyDictionary<string, Tensor> as d -> StateDict(d)
        | :? IDictionary<string, obj> as d when d |> Seq.forall (fun kv -> kv.Value :? Tensor) ->
            StateDict(d |> Seq.map (fun kv -> KeyValuePair(kv.Key, kv.Value :?> Tensor)))
        | null -> raise (InvalidDataException(sprintf "%s: holds None, not a state dict" path))
        | other ->
            raise (InvalidDataException(sprintf "%s: holds a %s, not a state dict of tensors by name (load it with Checkpoint.load / Torch.Load<T>)" path (other.GetType().Name)))

    /// Writes a state dict, an optimizer state dict or any nest of dictionaries, lists, tensors and plain values
    /// (safetensors holds only a flat state dict).
    let save (path: string) (value: obj) : unit =
        if isNull path then nullArg "path"
        if isSafetensors path then
            match value with
            | :? IReadOnlyDictionary<string, Tensor> as sd -> Safetensors.write path sd
            | _ ->
                let sd =
                    try toStateDict path value
                    with :? InvalidDataException -> invalidArg "value" (sprintf "Checkpoint.save: %s: safetensors holds only a flat state dict of tensors, got a %s; use a .pt file" path (if isNull value then "null" else value.GetType().Name))
                Safetensors.write path sd
        else Pt.write path value

    /// Reads a checkpoint: a StateDict for a model's state dict, dictionaries, lists and tensors for nested
    /// values such as an optimizer's state dict.
    let load (path: string) : obj =
        if isNull path then nullArg "path"
        if isSafetensors path then box (Safetensors.read path) else Pt.read path

    /// Reads a checkpoint that holds a state dict (tensors by name).
    let loadStateDict (path: string) : StateDict = toStateDict path (load path)
