// Package serbian holds the Serbian-language text tools MIA needs for
// retrieval and for replying in the user's script: Cyrillic/Latin
// transliteration, script detection, diacritic folding, a Go
// implementation of the Snowball Serbian stemmer and the token
// normalisation shared by indexing and querying.
//
// Retrieval only ever transliterates Cyrillic to Latin. Latin to Cyrillic
// (ToCyrillic) exists solely to mirror the user's script in replies.
package serbian
