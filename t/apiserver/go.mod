module fakeapiserver

go 1.19
