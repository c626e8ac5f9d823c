# Builds one of the two runnable projects: the portal (default) or the Stripe emulator.
#   docker build -t esimrenewal .
#   docker build --build-arg PROJECT=EsimRenewal.StripeEmulator -t esimrenewal-emulator .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
ARG PROJECT=EsimRenewal.Web
WORKDIR /source
COPY global.json Directory.Build.props Directory.Packages.props EsimRenewal.sln ./
COPY src/ src/
RUN dotnet publish "src/${PROJECT}/${PROJECT}.csproj" -c Release -o /app /p:UseAppHost=false

FROM mcr.microsoft.com/dotnet/aspnet:10.0
ARG PROJECT=EsimRenewal.Web
ENV APP_DLL=${PROJECT}.dll \
    ASPNETCORE_HTTP_PORTS=8080 \
    DOTNET_CLI_TELEMETRY_OPTOUT=1
WORKDIR /app
COPY --from=build /app .
USER app
EXPOSE 8080
ENTRYPOINT ["sh", "-c", "exec dotnet \"$APP_DLL\""]
