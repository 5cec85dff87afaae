namespace Fluxion.IO

open System
open System.Collections.Generic
open System.IO
open System.Text
open System.Text.Json
open Fluxion

/// The safetensors format: an 8-byte little-endian header length, a JSON header giving each tensor's dtype,
/// shape and byte range (`data_offsets`, relative to the data after the header) plus optional string
/// `__metadata__`, then the raw little-endian data.
module Safetensors =
    let private code (d: Dtype) =
        match d with
        | Dtype.Float32 -> "F32"
        | Dtype.Float64 -> "F64"
        | Dtype.Int64 -> "I64"
        | Dtype.Int32 -> "I32"
        | _ -> "BOOL"

    let private ofCode (file: string) (name: string) (c: string) =
        match c with
        | "F32" -> Dtype.Float32
        | "F64" -> Dtype.Float64
        | "I64" -> Dtype.Int64
        | "I32" -> Dtype.Int32
        | "BOOL" -> Dtype.Bool
        | _ -> raise (InvalidDataException(sprintf "%s: tensor '%s' has unsupported dtype %s; Fluxion reads F32, F64, I64, I32 and BOOL" file name c))

    /// Writes a state dict; `metadata` (may be null) goes to `__metadata__`.
    let writeWithMetadata (path: string) (stateDict: IReadOnlyDictionary<string, Tensor>) (metadata: IReadOnlyDictionary<string, string>) =
        if isNull path then nullArg "path"
        if isNull stateDict then nullArg "stateDict"
        let blobs = [| for kv in stateDict -> kv.Key, kv.Value, Storages.toBytes kv.Value |]
        let header =
            use ms = new MemoryStream()
            (
                use w = new Utf8JsonWriter(ms)
                w.WriteStartObject()
                if not (isNull metadata) && metadata.Count > 0 then
                    w.WriteStartObject "__metadata__"
                    for kv in metadata do w.WriteString(kv.Key, kv.Value)
                    w.WriteEndObject()
                let mutable offset = 0L
                for name, t, bytes in blobs do
                    w.WriteStartObject name
                    w.WriteString("dtype", code t.Dtype)
                    w.WriteStartArray "shape"
                    for d in t.Shape do w.WriteNumberValue d
                    w.WriteEndArray()
                    w.WriteStartArray "data_offsets"
                    w.WriteNumberValue offset
                    w.WriteNumberValue(offset + int64 bytes.Length)
                    w.WriteEndArray()
                    w.WriteEndObject()
                    offset <- offset + int64 bytes.Length
                w.WriteEndObject()
            )
            ms.ToArray()
        // Spaces pad the header so the data starts 8-byte aligned, as the reference writer does.
        let padded = Array.append header (Array.create ((8 - header.Length % 8) % 8) (byte ' '))
        let tmp = path + ".tmp"
        (
            use fs = new FileStream(tmp, FileMode.Create, FileAccess.Write)
            fs.Write(BitConverter.GetBytes(uint64 padded.Length), 0, 8)
            fs.Write(padded, 0, padded.Length)
            for _, _, bytes in blobs do fs.Write(bytes, 0, bytes.Length)
        )
        File.Move(tmp, path, true)

    /// Writes a state dict.
    let write (path: string) (stateDict: IReadOnlyDictionary<string, Tensor>) = writeWithMetadata path stateDict null

    /// Reads a file: the tensors in header order and the `__metadata__` strings.
    let readWithMetadata (path: string) : StateDict * IReadOnlyDictionary<string, string> =
        if isNull path then nullArg "path"
        let bytes = File.ReadAllBytes path
        let bad (msg: string) = raise (InvalidDataException(sprintf "%s: %s" path msg))
        if bytes.Length < 8 then bad "not a safetensors file (shorter than its 8-byte header length)"
        let n = BitConverter.ToUInt64(bytes, 0)
        if n = 0UL || n > uint64 (bytes.Length - 8) then
            bad (sprintf "not a safetensors file or truncated: the header length %d does not fit in the %d-byte file" n bytes.Length)
        if bytes.[8] <> byte '{' then bad "not a safetensors file (the header is not a JSON object)"
        let dataStart = 8 + int n
        let dataLength = int64 (bytes.Length - dataStart)
        let doc =
            try JsonDocument.Parse(ReadOnlyMemory(bytes, 8, int n))
            with :? JsonException as e -> raise (InvalidDataException(sprintf "%s: the safetensors header is not valid JSON (%s)" path e.Message, e))
        use _ = doc
        if doc.RootElement.ValueKind <> JsonValueKind.Object then bad "the safetensors header is not a JSON object"
        let sd = StateDict()
        let meta = Dictionary<string, string>()
        for p in doc.RootElement.EnumerateObject() do
            if p.Name = "__metadata__" then
                if p.Value.ValueKind = JsonValueKind.Object then
                    for m in p.Value.EnumerateObject() do
                        if m.Value.ValueKind = JsonValueKind.String then meta.[m.Name] <- m.Value.GetString()
            else
                let v = p.Value
                let field (f: string) =
                    match v.TryGetProperty f with
                    | true, x -> x
                    | _ -> bad (sprintf "tensor '%s' has no '%s' in the header" p.Name f)
                let dtype = ofCode path p.Name ((field "dtype").GetString())
                let ints (f: string) = [| for x in (field f).EnumerateArray() -> x.GetInt64() |]
                let shape = ints "shape"
                let offs = ints "data_offsets"
                if offs.Length <> 2 then bad (sprintf "tensor '%s' needs two data_offsets" p.Name)
                if shape |> Array.exists (fun d -> d < 0L || d > int64 Int32.MaxValue) then bad (sprintf "tensor '%s' has an invalid shape" p.Name)
                let numel = Array.fold (*) 1L shape
                let b, e = offs.[0], offs.[1]
                if b < 0L || e < b || e > dataLength then
                    bad (sprintf "tensor '%s' has data_offsets [%d, %d] outside the %d data bytes (the file is truncated or corrupt)" p.Name b e dataLength)
                if e - b <> numel * int64 (Dtype.size dtype) then
                    bad (sprintf "tensor '%s' of shape %A and dtype %s needs %d bytes but data_offsets give %d" p.Name shape (Dtype.name dtype) (numel * int64 (Dtype.size dtype)) (e - b))
                let slice = Array.sub bytes (dataStart + int b) (int (e - b))
                let shape = Array.map int shape
                let strides = Array.zeroCreate<int64> shape.Length
                let mutable acc = 1L
                for d in shape.Length - 1 .. -1 .. 0 do
                    strides.[d] <- acc
                    acc <- acc * int64 shape.[d]
                if sd.ContainsKey p.Name then bad (sprintf "tensor '%s' appears twice in the header" p.Name)
                sd.Add(p.Name, Storages.gather dtype slice 0L shape strides)
        sd, meta :> IReadOnlyDictionary<string, string>

    /// Reads the tensors of a file in header order.
    let read (path: string) : StateDict = fst (readWithMetadata path)
